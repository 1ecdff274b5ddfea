import { useApp } from './context';

function BackendBadge() {
  const backend = useApp((s) => s.backend);
  if (!backend) {
    return (
      <div className="badge badge-pending" data-testid="backend" aria-live="polite">
        Backend: choosing…
      </div>
    );
  }
  const good = backend.name === 'webgpu';
  return (
    <div className={`badge ${good ? 'badge-good' : 'badge-warn'}`} data-testid="backend" aria-live="polite">
      <span className="badge-label">Backend</span> <strong>{backend.name}</strong>
      {backend.adapter ? <span className="badge-detail"> · {backend.adapter}</span> : null}
      {backend.fallbackReason ? (
        <span className="badge-reason" data-testid="backend-reason">
          {' '}
          — {backend.forced && backend.forced === backend.name ? backend.fallbackReason : `fell back: ${backend.fallbackReason}`}
        </span>
      ) : null}
    </div>
  );
}

export function Header() {
  return (
    <header className="app-header">
      <div>
        <h1>Distillation Playground</h1>
        <p className="tagline">Train a teacher Transformer, distil it into a smaller student on your own GPU, and steer it live.</p>
      </div>
      <BackendBadge />
    </header>
  );
}
