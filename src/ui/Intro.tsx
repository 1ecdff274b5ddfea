// The short "what am I looking at" explanation.

import { Tr, useT } from './i18n';

export function Intro() {
  const { t } = useT();
  return (
    <details className="intro card">
      <summary>{t('intro.summary')}</summary>
      <div className="intro-body">
        <p>
          <Tr k="intro.p1" />
        </p>
        <p>
          <Tr k="intro.p2" />
        </p>
        <p>
          <Tr k="intro.p3" />
        </p>
      </div>
    </details>
  );
}
