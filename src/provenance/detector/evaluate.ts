import { isHeldOut, type Passage } from './corpus.js';
import { FEATURES, type Features } from './features.js';
import { fitLogistic, predict, type LogisticModel } from './logistic.js';
import { auroc, rates, thresholdAtFpr, tprAtFpr } from './metrics.js';

export interface Labelled extends Passage {
  ai: boolean;
}

export interface SplitFigures {
  human: number;
  ai: number;
  auroc: number;
  /** TPR at the threshold that gives 1 % FPR on this split's human texts. */
  tprAt1Fpr: number;
  /** TPR and FPR at the threshold fixed on the tuning split (what the product uses). */
  atCalibrated: { tpr: number; fpr: number };
}

export const round = (x: number, d = 4): number => Math.round(x * 10 ** d) / 10 ** d;

export function figures(pos: number[], neg: number[], threshold: number): SplitFigures {
  const at = rates(pos, neg, threshold);
  return { human: neg.length, ai: pos.length, auroc: round(auroc(pos, neg)), tprAt1Fpr: round(tprAtFpr(pos, neg, 0.01)), atCalibrated: { tpr: round(at.tpr), fpr: round(at.fpr) } };
}

/** Fits one language's model on the tuning half and fixes its 1 %-FPR threshold there. */
export function fitLanguage(items: Labelled[], feats: Map<string, Features>): LogisticModel & { threshold: number } {
  const tune = items.filter((p) => !isHeldOut(p.id));
  const m = fitLogistic([...FEATURES], tune.map((p) => FEATURES.map((k) => feats.get(p.id)![k])), tune.map((p) => (p.ai ? 1 : 0)));
  const humanScores = tune.filter((p) => !p.ai).map((p) => predict(m, FEATURES.map((k) => feats.get(p.id)![k])));
  return { ...m, threshold: thresholdAtFpr(humanScores, 0.01) };
}

export function evaluateLanguage(items: Labelled[], score: (p: Labelled) => number, threshold: number): { tuning: SplitFigures; heldOut: SplitFigures } {
  const s = new Map(items.map((p) => [p.id, score(p)]));
  const split = (held: boolean) => {
    const part = items.filter((p) => isHeldOut(p.id) === held);
    return figures(part.filter((p) => p.ai).map((p) => s.get(p.id)!), part.filter((p) => !p.ai).map((p) => s.get(p.id)!), threshold);
  };
  return { tuning: split(false), heldOut: split(true) };
}
