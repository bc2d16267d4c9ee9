/** Logistic regression on standardised features, fitted by full-batch gradient descent (deterministic). */
export interface LogisticModel {
  features: string[];
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function fitLogistic(features: string[], x: number[][], y: number[], opts = { iterations: 4000, rate: 1, l2: 0.01 }): LogisticModel {
  const d = features.length;
  const mean = Array.from({ length: d }, (_, j) => x.reduce((a, r) => a + r[j]!, 0) / x.length);
  const scale = Array.from({ length: d }, (_, j) => Math.sqrt(x.reduce((a, r) => a + (r[j]! - mean[j]!) ** 2, 0) / x.length) || 1);
  const z = x.map((r) => r.map((v, j) => (v - mean[j]!) / scale[j]!));
  // Balance the classes: each class weighs half of the loss.
  const nPos = y.filter((v) => v === 1).length;
  const nNeg = y.length - nPos;
  const cw = y.map((v) => (v === 1 ? 0.5 / nPos : 0.5 / nNeg));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let it = 0; it < opts.iterations; it++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (let i = 0; i < z.length; i++) {
      const p = sigmoid(z[i]!.reduce((a, v, j) => a + v * w[j]!, b));
      const e = (p - y[i]!) * cw[i]!;
      for (let j = 0; j < d; j++) gw[j]! += e * z[i]![j]!;
      gb += e;
    }
    for (let j = 0; j < d; j++) w[j]! -= opts.rate * (gw[j]! + opts.l2 * w[j]!);
    b -= opts.rate * gb;
  }
  return { features, mean, scale, weights: w, bias: b };
}

export function predict(m: LogisticModel, row: number[]): number {
  return sigmoid(row.reduce((a, v, j) => a + ((v - m.mean[j]!) / m.scale[j]!) * m.weights[j]!, m.bias));
}
