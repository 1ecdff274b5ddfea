// The short "what am I looking at" explanation.

export function Intro() {
  return (
    <details className="intro card">
      <summary>What am I looking at?</summary>
      <div className="intro-body">
        <p>
          A <b>teacher</b> Transformer has learnt a task. A smaller <b>student</b> learns the same task from two signals: the true labels
          (the <i>hard</i> term, cross-entropy) and the teacher’s full output distribution softened by a <b>temperature</b> T (the <i>soft</i>{' '}
          term, a KL divergence). <b>α</b> is the weight on the teacher term: α = 0 ignores the teacher, α = 1 learns from the teacher alone.
        </p>
        <p>
          A <b>baseline</b> student with the same size and starting weights trains on the same batches from the labels alone, so the gap between
          the two — the <b>KD gain</b> — is what distillation bought. The teacher’s soft outputs carry “dark knowledge”: which wrong answers are
          almost right. Raise T and watch the bars below flatten, revealing it.
        </p>
        <p>
          Everything runs in your browser, in a Web Worker, on WebGPU where available. Move the sliders while it trains: changes apply at the
          next step and are marked on the curves. Every setting is in the URL, so a link reproduces a run.
        </p>
      </div>
    </details>
  );
}
