// A value that follows its input at most once per `ms`: the latest input always shows, at the
// latest `ms` after it arrived, so nothing is lost, only redraws are saved.

import { useEffect, useRef, useState } from 'react';

export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const lastAt = useRef(-Infinity);
  useEffect(() => {
    const wait = lastAt.current + ms - performance.now();
    if (wait <= 0) {
      lastAt.current = performance.now();
      setShown(() => value);
      return;
    }
    const id = setTimeout(() => {
      lastAt.current = performance.now();
      setShown(() => value);
    }, wait);
    return () => clearTimeout(id);
  }, [value, ms]);
  return shown;
}
