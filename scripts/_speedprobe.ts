import * as tf from '@tensorflow/tfjs';
import { GPT } from '../src/model/gpt';
import { AdamW, DEFAULT_ADAMW } from '../src/train/adamw';
import { hardCrossEntropy } from '../src/distill/losses';
const backend = process.argv[2] ?? 'cpu';
if (backend === 'wasm') { await import('@tensorflow/tfjs-backend-wasm'); }
console.log('set', await tf.setBackend(backend), tf.getBackend());
for (const [name, size] of [['student-s', {nLayer:2,nHead:2,nEmbd:32}], ['teacher-m', {nLayer:4,nHead:4,nEmbd:128}]] as const) {
  const cfg = { ...size, vocabSize: 100, blockSize: 20, bias: false, dropout: 0 };
  const m = GPT.init(cfg, 1);
  const opt = new AdamW(m.variables(), DEFAULT_ADAMW);
  const B = 32, T = 20;
  const x = tf.tensor2d(Int32Array.from({length:B*T}, (_, i) => (i*7)%100), [B, T], 'int32');
  const y = tf.tensor1d(Int32Array.from({length:B*T}, (_, i) => (i*13)%100), 'int32');
  const mask = tf.ones([B * T]) as tf.Tensor1D;
  const step = () => opt.minimize(() => hardCrossEntropy(m.forward(x, {training:true}).logits.reshape([B*T, 100]) as tf.Tensor2D, y, mask), 1e-3);
  for (let i = 0; i < 2; i++) { const l = step(); console.log('loss', (await l.data())[0]); l.dispose(); }
  const t0 = performance.now(); const n = 5;
  for (let i = 0; i < n; i++) { const l = step(); await l.data(); l.dispose(); }
  console.log(name, ((performance.now() - t0) / n).toFixed(1), 'ms/step', tf.memory().numTensors);
}
