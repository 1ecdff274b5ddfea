import { useId, useState } from 'react';
import { comparePair, layerMap } from '../../client/attention';
import type { PredictionResult } from '../../worker/protocol';
import { useT } from '../i18n';
import { Heatmap } from './Heatmap';

const SIZE = 190;

export function AttentionView({ result }: { result: PredictionResult }) {
  const { t: tr } = useT();
  const id = useId();
  const [studentLayer, setStudentLayer] = useState(0);
  const [head, setHead] = useState<number | 'avg'>(0);
  const t = result.teacher;
  const s = result.student;
  if (!t) return null;

  if (!s) {
    const layer = Math.min(studentLayer, t.nLayer - 1);
    const h = head === 'avg' ? 'avg' : Math.min(head, t.nHead - 1);
    return (
      <div className="attention">
        <Selectors
          id={id}
          layers={t.nLayer}
          heads={t.nHead}
          layer={layer}
          head={h}
          onLayer={setStudentLayer}
          onHead={setHead}
          layerLabel={tr('attention.teacherLayer')}
        />
        <div className="heatmaps">
          <Heatmap
            values={layerMap(t.attention, layer, h)}
            size={SIZE}
            tokens={result.tokens}
            title={tr('attention.teacherOnly', { layer: layer + 1 })}
            scale="seq"
          />
        </div>
      </div>
    );
  }

  const layer = Math.min(studentLayer, s.nLayer - 1);
  const pair = comparePair(
    t.attention,
    s.attention,
    layer,
    result.layerMap,
    head === 'avg' ? 'avg' : Math.min(head, s.nHead - 1),
  );
  const headText = pair.head === 'avg' ? tr('attention.meanOverHeads') : tr('attention.headN', { n: pair.head + 1 });
  return (
    <div className="attention">
      <Selectors
        id={id}
        layers={s.nLayer}
        heads={t.nHead === s.nHead ? s.nHead : 0}
        layer={layer}
        head={pair.head}
        onLayer={setStudentLayer}
        onHead={setHead}
        layerLabel={tr('attention.studentLayer')}
      />
      {t.nHead !== s.nHead ? (
        <p className="muted small">{tr('attention.averaged', { teacher: t.nHead, student: s.nHead })}</p>
      ) : null}
      <div className="heatmaps">
        <Heatmap
          values={pair.teacher}
          size={SIZE}
          tokens={result.tokens}
          title={tr('attention.teacherMap', { layer: pair.teacherLayer + 1, head: headText })}
          scale="seq"
        />
        <Heatmap
          values={pair.student}
          size={SIZE}
          tokens={result.tokens}
          title={tr('attention.studentMap', { layer: layer + 1, head: headText })}
          scale="seq"
        />
        <Heatmap values={pair.diff} size={SIZE} tokens={result.tokens} title={tr('attention.diff')} scale="div" />
      </div>
    </div>
  );
}

interface SelectorProps {
  id: string;
  layers: number;
  /** 0 when heads cannot be chosen (only the average). */
  heads: number;
  layer: number;
  head: number | 'avg';
  layerLabel: string;
  onLayer(l: number): void;
  onHead(h: number | 'avg'): void;
}

function Selectors({ id, layers, heads, layer, head, layerLabel, onLayer, onHead }: SelectorProps) {
  const { t } = useT();
  return (
    <div className="row gap">
      <label htmlFor={`${id}-l`} className="small">
        {layerLabel}
      </label>
      <select id={`${id}-l`} value={layer} onChange={(e) => onLayer(Number(e.target.value))}>
        {Array.from({ length: layers }, (_, i) => (
          <option key={i} value={i}>
            {i + 1}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-h`} className="small">
        {t('attention.head')}
      </label>
      <select
        id={`${id}-h`}
        value={String(head)}
        onChange={(e) => onHead(e.target.value === 'avg' ? 'avg' : Number(e.target.value))}
      >
        {Array.from({ length: heads }, (_, i) => (
          <option key={i} value={i}>
            {i + 1}
          </option>
        ))}
        <option value="avg">{t('attention.mean')}</option>
      </select>
    </div>
  );
}
