/** Evaluation metrics for a scorer: AUROC and the true-positive rate at a fixed false-positive rate. */

/** Area under the ROC curve (probability a random positive scores above a random negative; ties count half). */
export function auroc(pos: number[], neg: number[]): number {
  if (!pos.length || !neg.length) return NaN;
  const all = [...pos.map((s) => ({ s, p: 1 })), ...neg.map((s) => ({ s, p: 0 }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const avg = (i + j + 1) / 2; // ranks are 1-based
    for (let k = i; k < j; k++) if (all[k]!.p) rankSum += avg;
    i = j;
  }
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}

/** The lowest threshold t with FPR(score > t) ≤ fpr on `neg` (scores strictly above t are flagged). */
export function thresholdAtFpr(neg: number[], fpr: number): number {
  const sorted = [...neg].sort((a, b) => b - a);
  const allowed = Math.floor(fpr * sorted.length);
  // flag at most `allowed` negatives: the threshold is the (allowed+1)-th highest negative score
  return sorted[Math.min(allowed, sorted.length - 1)] ?? Infinity;
}

export function rates(pos: number[], neg: number[], threshold: number): { tpr: number; fpr: number } {
  return { tpr: pos.filter((s) => s > threshold).length / pos.length, fpr: neg.filter((s) => s > threshold).length / neg.length };
}

export const tprAtFpr = (pos: number[], neg: number[], fpr: number): number => rates(pos, neg, thresholdAtFpr(neg, fpr)).tpr;
