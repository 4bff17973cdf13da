/**
 * The contract between run_deep_evolution and optimize_params: stable lines on the optimizer's
 * stdout. `CV_SCORE`, `HOLDOUT_SCORE`, `BLENDED_SCORE`, `CHAMPION_BLENDED_SCORE` each followed by
 * a number, and either `NEW CHAMPION CONFIRMED` or `NO PROMOTION: <reason>`.
 */
export interface OptimizerOutcome {
  cvScore: number | null;
  holdoutScore: number | null;
  blendedScore: number | null;
  championBlendedScore: number | null;
  promoted: boolean;
  noPromotionReason: string | null;
}

const NUMBER = "(-?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?|NaN|-?Infinity)";
const line = (key: string) => new RegExp(`^${key} ${NUMBER}\\s*$`, "m");

export function parseOptimizerOutput(stdout: string): OptimizerOutcome {
  const num = (key: string): number | null => {
    const m = line(key).exec(stdout);
    return m ? Number(m[1]) : null;
  };
  const noPromo = /^NO PROMOTION: (.*)$/m.exec(stdout);
  return {
    cvScore: num("CV_SCORE"),
    holdoutScore: num("HOLDOUT_SCORE"),
    blendedScore: num("BLENDED_SCORE"),
    championBlendedScore: num("CHAMPION_BLENDED_SCORE"),
    promoted: /^NEW CHAMPION CONFIRMED\b/m.test(stdout),
    noPromotionReason: noPromo ? noPromo[1]!.trim() : null,
  };
}
