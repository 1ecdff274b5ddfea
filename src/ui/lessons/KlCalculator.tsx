// The worked example of the soft term (src/lessons/kl.ts on screen): type p and q, or logits and T,
// and read every term of KL(p ‖ q) with its arithmetic, in nats and bits.

import { useId, useState } from 'react';
import type { TKey } from '../../i18n/catalog';
import { workedKl, type KlMode, type KlProblem, type KlResult } from '../../lessons/kl';
import { useT, type Format, type TFn } from '../i18n';

const PROBLEM_KEY: Record<KlProblem['code'], TKey> = {
  empty: 'kl.problem.empty',
  notNumber: 'kl.problem.notNumber',
  tooShort: 'kl.problem.tooShort',
  lengths: 'kl.problem.lengths',
  negative: 'kl.problem.negative',
  sum: 'kl.problem.sum',
  allZero: 'kl.problem.allZero',
  temperature: 'kl.problem.temperature',
};

/** 4 decimals, or 3 significant digits for tiny values; "∞" for infinity. */
function dec(fmt: Format, v: number): string {
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (!Number.isFinite(v)) return '—';
  if (v !== 0 && Math.abs(v) < 0.001) return fmt.num(v, 3);
  return fmt.fixed(v, 4).replace(/^-/, '−');
}

function problemText(t: TFn, fmt: Format, p: KlProblem, mode: KlMode): string {
  const side = (w: 'p' | 'q') => (mode === 'logits' ? (w === 'p' ? 'zt' : 'zs') : w);
  switch (p.code) {
    case 'empty':
    case 'tooShort':
    case 'allZero':
      return t(PROBLEM_KEY[p.code], { which: side(p.which) });
    case 'notNumber':
      return t(PROBLEM_KEY.notNumber, { which: side(p.which), text: p.text, n: p.index + 1 });
    case 'negative':
      return t(PROBLEM_KEY.negative, { which: side(p.which), n: p.index + 1, value: String(p.value) });
    case 'sum':
      return t(PROBLEM_KEY.sum, { which: side(p.which), sum: fmt.num(p.sum, 6) });
    case 'lengths':
      return t(PROBLEM_KEY.lengths, { p: p.p, q: p.q });
    case 'temperature':
      return t(PROBLEM_KEY.temperature, { value: String(p.value) });
  }
}

function Worked({ r }: { r: KlResult }) {
  const { t, fmt } = useT();
  const list = (xs: readonly number[]) => xs.map((x) => dec(fmt, x)).join(', ');
  const finite = r.terms.filter((x) => x.p > 0);
  const arithmetic = finite.map((x) => (x.nats < 0 ? `(${dec(fmt, x.nats)})` : dec(fmt, x.nats))).join(' + ');
  return (
    <div className="kl-worked" data-testid="kl-result">
      {r.softmax ? (
        <ul className="small kl-softmax">
          {(['p', 'q'] as const).map((w) => {
            const steps = r.softmax![w];
            return (
              <li key={w}>
                {t('kl.softmax', {
                  which: w,
                  scaled: list(steps.map((s) => s.scaled)),
                  exp: list(steps.map((s) => s.exp)),
                  sum: dec(
                    fmt,
                    steps.reduce((a, s) => a + s.exp, 0),
                  ),
                  probs: list(steps.map((s) => s.prob)),
                })}
              </li>
            );
          })}
        </ul>
      ) : null}
      {r.normalised.p ? <p className="small muted">{t('kl.normalised', { which: 'p' })}</p> : null}
      {r.normalised.q ? <p className="small muted">{t('kl.normalised', { which: 'q' })}</p> : null}
      <div className="table-scroll">
        <table className="kl-table">
          <thead>
            <tr>
              <th scope="col">{t('kl.col.i')}</th>
              <th scope="col">{t('kl.col.p')}</th>
              <th scope="col">{t('kl.col.q')}</th>
              <th scope="col">{t('kl.col.ratio')}</th>
              <th scope="col">{t('kl.col.log')}</th>
              <th scope="col">{t('kl.col.nats')}</th>
              <th scope="col">{t('kl.col.bits')}</th>
            </tr>
          </thead>
          <tbody>
            {r.terms.map((x) => (
              <tr key={x.index} className={x.nats === Infinity ? 'kl-inf' : undefined}>
                <td>{x.index + 1}</td>
                <td>{dec(fmt, x.p)}</td>
                <td>{dec(fmt, x.q)}</td>
                {x.p === 0 ? (
                  <td colSpan={4} className="muted">
                    {t('kl.zeroTerm')}
                  </td>
                ) : (
                  <>
                    <td>{dec(fmt, x.ratio)}</td>
                    <td>{dec(fmt, x.log)}</td>
                    <td>
                      {dec(fmt, x.p)} × {dec(fmt, x.log)} = <b>{dec(fmt, x.nats)}</b>
                    </td>
                    <td>{dec(fmt, x.bits)}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.infiniteAt.length ? (
        <p className="warn" role="status">
          {t('kl.infinite', { at: r.infiniteAt.map((i) => i + 1).join(', ') })}
        </p>
      ) : (
        <>
          <p className="small">{t('kl.sum', { arithmetic, nats: dec(fmt, r.nats), bits: dec(fmt, r.bits) })}</p>
          <p className="kl-total">
            <strong>{t('kl.total', { nats: dec(fmt, r.nats), bits: dec(fmt, r.bits) })}</strong>
          </p>
          {r.scaledByT2 !== undefined && r.temperature !== undefined ? (
            <p className="small">
              {t('kl.scaled', {
                t2: fmt.num(r.temperature * r.temperature, 4),
                nats: dec(fmt, r.nats),
                scaled: dec(fmt, r.scaledByT2),
              })}
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}

export function KlCalculator() {
  const { t, fmt } = useT();
  const id = useId();
  const [mode, setMode] = useState<KlMode>('probs');
  const [probs, setProbs] = useState({ p: '0.9, 0.1', q: '0.8, 0.2' });
  const [logits, setLogits] = useState({ p: '3, 1, 0.2', q: '2, 2, 0' });
  const [temperature, setTemperature] = useState('4');
  const [normalise, setNormalise] = useState(false);
  const fields = mode === 'probs' ? probs : logits;
  const setField = (w: 'p' | 'q', v: string) =>
    mode === 'probs' ? setProbs({ ...probs, [w]: v }) : setLogits({ ...logits, [w]: v });
  const out = workedKl({ mode, p: fields.p, q: fields.q, temperature: Number(temperature), normalise });
  const sumProblem = !out.ok && out.problems.some((p) => p.code === 'sum');
  return (
    <section className="card kl-card" aria-labelledby={`${id}-h`} data-testid="kl-calculator">
      <h2 id={`${id}-h`}>{t('kl.title')}</h2>
      <p className="muted small">{t('kl.note')}</p>
      <div className="kl-inputs">
        <fieldset className="kl-mode">
          <legend className="small">{t('kl.mode')}</legend>
          {(['probs', 'logits'] as const).map((m) => (
            <label key={m} className="small">
              <input type="radio" name={`${id}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} />{' '}
              {m === 'probs' ? t('kl.modeProbs') : t('kl.modeLogits')}
            </label>
          ))}
        </fieldset>
        {(['p', 'q'] as const).map((w) => (
          <label key={w} className="kl-field">
            <span className="small">
              {mode === 'probs' ? t(w === 'p' ? 'kl.p' : 'kl.q') : t(w === 'p' ? 'kl.zt' : 'kl.zs')}
            </span>
            <input
              type="text"
              inputMode="decimal"
              value={fields[w]}
              onChange={(e) => setField(w, e.target.value)}
              spellCheck={false}
            />
          </label>
        ))}
        {mode === 'logits' ? (
          <label className="kl-field kl-t">
            <span className="small">{t('kl.temperature')}</span>
            <input
              type="number"
              min={0.1}
              step={0.5}
              value={temperature}
              onChange={(e) => setTemperature(e.target.value)}
            />
          </label>
        ) : (
          <label className="small kl-normalise">
            <input type="checkbox" checked={normalise} onChange={(e) => setNormalise(e.target.checked)} />{' '}
            {t('kl.normalise')}
          </label>
        )}
      </div>
      {out.ok ? (
        <Worked r={out.result} />
      ) : (
        <div className="error" role="alert" data-testid="kl-problems">
          <ul>
            {out.problems.map((p, i) => (
              <li key={i}>{problemText(t, fmt, p, mode)}</li>
            ))}
          </ul>
          {sumProblem ? (
            <button type="button" onClick={() => setNormalise(true)}>
              {t('kl.normalise')}
            </button>
          ) : null}
        </div>
      )}
    </section>
  );
}
