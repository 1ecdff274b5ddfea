// @vitest-environment jsdom
import { act, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useThrottled } from './useThrottled';

function Show({ value }: { value: number }) {
  return <span data-testid="v">{useThrottled(value, 500)}</span>;
}

describe('useThrottled', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('shows the first value at once, holds later ones back, and always ends on the latest', () => {
    const { getByTestId, rerender } = render(<Show value={1} />);
    expect(getByTestId('v').textContent).toBe('1');
    rerender(<Show value={2} />);
    rerender(<Show value={3} />);
    expect(getByTestId('v').textContent).toBe('1'); // within 500 ms of the last redraw
    act(() => vi.advanceTimersByTime(499));
    expect(getByTestId('v').textContent).toBe('1');
    act(() => vi.advanceTimersByTime(1));
    expect(getByTestId('v').textContent).toBe('3'); // 2 was skipped, not 3
    act(() => vi.advanceTimersByTime(600));
    rerender(<Show value={4} />);
    expect(getByTestId('v').textContent).toBe('4'); // long enough since the last one: at once
  });
});
