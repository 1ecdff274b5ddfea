// @vitest-environment jsdom
// The whole UI in 简体中文: no English left in its main labels; a visible, keyboard-usable toggle
// switches back and is remembered; the lesson and the worked example speak the language too.

import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Controller, type WorkerPort } from '../client/controller';
import { initialState } from '../client/state';
import { createStore } from '../client/store';
import { DEFAULT_CONFIG } from '../config';
import { currentLanguage, setLanguage } from '../i18n';
import { STORAGE_KEY } from '../i18n/language';
import type { WorkerCommand, WorkerEvent } from '../worker/protocol';
import { App } from './App';
import { ControllerContext } from './context';

beforeAll(() => {
  // recharts' ResponsiveContainer measures with ResizeObserver, which jsdom lacks.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

function setup() {
  const sent: WorkerCommand[] = [];
  const port: WorkerPort = { postMessage: (c) => sent.push(c), onmessage: null };
  const store = createStore(initialState(DEFAULT_CONFIG));
  const controller = new Controller(store, port, () => {});
  const emit = (e: WorkerEvent) => act(() => port.onmessage!({ data: e } as MessageEvent<WorkerEvent>));
  render(
    <ControllerContext.Provider value={controller}>
      <App />
    </ControllerContext.Provider>,
  );
  return { sent, store, emit };
}

afterEach(() => {
  cleanup();
  act(() => setLanguage('en'));
});

/** Identifiers, units and symbols that stay as they are in any language. */
const ALLOWED =
  /\b(?:KD|KL|JSD|MSE|CE|CSV|JSON|NLL|ECE|F1|fp32|softmax|logits|zt|zs|exp|ln|p_i|q_i|Transformer|English|WebGPU|safetensors|nanoGPT|PyTorch|zip|tiny|student-[sm]|teacher-[sml]|transfer|txt|csv|text|label|bits|nats|Gram|feat|att|rel|CE|MB|GPU|T|L|i|p|q|y)\b/g;

/** The words of English left in a text once the allowed identifiers are taken out. */
function englishWords(text: string): string[] {
  return text.replace(ALLOWED, ' ').match(/[A-Za-z]{2,}/g) ?? [];
}

describe('the UI in Chinese', () => {
  it('has no English left in its headings, buttons, labels, legends and table heads', () => {
    act(() => setLanguage('zh'));
    setup();
    const labels = Array.from(
      document.querySelectorAll(
        'h1, h2, h3, h4, button, label, summary, legend, th, option, .placeholder, .chart-empty',
      ),
    ).map((el) => el.textContent ?? '');
    const names = Array.from(document.querySelectorAll('[aria-label]')).map(
      (el) => el.getAttribute('aria-label') ?? '',
    );
    expect(labels.length).toBeGreaterThan(60);
    const leftovers = [...labels, ...names]
      .filter((text) => englishWords(text).length)
      .map((text) => `"${text.trim()}" (${englishWords(text).join(', ')})`);
    expect(leftovers).toEqual([]);
    expect(screen.getByRole('button', { name: '开始' })).toBeTruthy();
    expect(screen.getByRole('slider', { name: /温度/ })).toBeTruthy();
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(document.body.textContent).toContain('知识蒸馏');
  });

  it('switches with a visible toggle, remembers the choice, and English is back as it was', () => {
    act(() => setLanguage('zh'));
    setup();
    const group = screen.getByRole('group', { name: '语言' });
    const english = within(group).getByRole('button', { name: 'English' });
    expect(english.getAttribute('aria-pressed')).toBe('false');
    // A native <button>: Tab reaches it, Enter and Space press it.
    english.focus();
    fireEvent.click(english);
    expect(currentLanguage()).toBe('en');
    expect(localStorage.getItem(STORAGE_KEY)).toBe('en');
    expect(screen.getByRole('button', { name: 'Start' })).toBeTruthy();
    expect(screen.getByRole('slider', { name: /Alpha.*weight on the teacher term/ })).toBeTruthy();
    expect(document.documentElement.lang).toBe('en-US');
    fireEvent.click(within(screen.getByRole('group', { name: 'Language' })).getByRole('button', { name: '中文' }));
    expect(localStorage.getItem(STORAGE_KEY)).toBe('zh');
    expect(screen.getByRole('button', { name: '开始' })).toBeTruthy();
  });
});

describe('a lesson card', () => {
  it('runs its preset and explains from the run: waiting first, then the run’s own numbers', async () => {
    const { sent, store, emit } = setup();
    const lessons = screen.getByTestId('lessons');
    fireEvent.click(within(lessons).getByRole('button', { name: /α: labels versus the teacher/ }));
    fireEvent.click(within(lessons).getByRole('radio', { name: /The distilled student, clearly/ }));
    fireEvent.click(within(lessons).getByRole('button', { name: 'Run: α = 1 (teacher only)' }));
    const start = sent.find((c) => c.type === 'start');
    expect(start).toMatchObject({
      type: 'start',
      config: { task: 'sentiment', teacher: 'teacher-s', steps: 600, hyper: { alpha: 1, temperature: 4 } },
    });
    const runId = store.getState().run.runId;
    const pause = () => act(() => new Promise<void>((r) => setTimeout(r, 800))); // the card redraws at most every 700 ms
    await pause();
    expect(within(lessons).getByTestId('lesson-lines').textContent).toMatch(/Waiting for the first validation/);
    const m = (accuracy: number, agreement: number) => ({
      accuracy,
      nll: 1,
      perplexity: 2.7,
      ece: 0.1,
      reliability: [],
      agreement,
      confusion: [[accuracy * 100, 100 - accuracy * 100]],
    });
    emit({
      type: 'eval',
      runId,
      report: {
        phase: 'distill',
        step: 100,
        split: 'val',
        teacher: m(0.8, 1),
        student: m(0.55, 0.7),
        baseline: m(0.5, 0.5),
      },
    });
    await pause();
    const text = within(lessons).getByTestId('lesson-lines').textContent ?? '';
    expect(text).toMatch(/distilled student 55\.0%, baseline 50\.0%; KD gain \+5\.0 pts/);
    expect(text).toMatch(/With α = 1 the student never sees a label/);
    // +5 points on 100 validation rows is within the noise (0.7 standard errors): not “clearly” better.
    expect(within(lessons).getByText(/did not go the way you predicted/)).toBeTruthy();
    act(() => setLanguage('zh'));
    expect(within(lessons).getByTestId('lesson-lines').textContent).toMatch(
      /蒸馏学生 55\.0%，基线学生 50\.0%；KD 增益 \+5\.0 个百分点/,
    );
  });
});

describe('the worked KL example', () => {
  it('works the course example out to 0.0367 nats, and refuses bad input with a clear message', () => {
    setup();
    const card = screen.getByTestId('kl-calculator');
    expect(within(card).getByTestId('kl-result').textContent).toMatch(/KL\(p ‖ q\) = 0\.0367 nats = 0\.0529 bits/);
    expect(within(card).getByTestId('kl-result').textContent).toMatch(/0\.1060 \+ \(−0\.0693\) = 0\.0367 nats/);
    const [p, q] = within(card).getAllByRole('textbox');
    fireEvent.change(p, { target: { value: '9, 1' } });
    expect(within(card).getByRole('alert').textContent).toMatch(/p sums to 10, not 1/);
    fireEvent.click(within(card).getByRole('button', { name: 'Normalise to sum 1' }));
    expect(within(card).getByTestId('kl-result').textContent).toMatch(/p was rescaled to sum to 1[\s\S]*0\.0367 nats/);
    fireEvent.change(q, { target: { value: '1, 0' } });
    expect(within(card).getByRole('status').textContent).toMatch(/KL is infinite: q is 0 at position 2/);
    fireEvent.change(q, { target: { value: '0.5, 0.3, 0.2' } });
    expect(within(card).getByRole('alert').textContent).toMatch(/p has 2 entries and q has 3/);
    fireEvent.change(q, { target: { value: '1.5, -0.5' } });
    expect(within(card).getByRole('alert').textContent).toMatch(
      /q: entry 2 is -0\.5, and probabilities cannot be negative/,
    );
  });
});
