/**
 * Log-space Gaussian helpers for truncated normal kernels. Tails are kept in log space so that a kernel far
 * from a candidate gives a finite, correctly ordered log density instead of log(0).
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT1_2 = Math.SQRT1_2;

/** log of the standard normal density. */
export function logPhi(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/**
 * log erfc(x) for x ≥ 0 from the Chebyshev-fitted form erfc(x) = t·exp(−x² + P(t)), t = 1/(1 + x/2)
 * (fractional error < 1.2e-7 everywhere), which never underflows because the exponent stays in log space.
 */
function logErfcNonNegative(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const p =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t *
                          (-1.13520398 +
                            t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - x * x + p;
}

/** log Φ(z), the log of the standard normal CDF. */
export function logNdtr(z: number): number {
  if (z < 0) {
    return Math.log(0.5) + logErfcNonNegative(-z * SQRT1_2);
  }
  return Math.log1p(-0.5 * Math.exp(logErfcNonNegative(z * SQRT1_2)));
}

function logSumExp(values: number[]): number {
  const max = Math.max(...values);
  if (max === -Infinity) {
    return -Infinity;
  }
  let sum = 0;
  for (const v of values) {
    sum += Math.exp(v - max);
  }
  return max + Math.log(sum);
}

/** log(Φ(b) − Φ(a)) for a < b, accurate for narrow intervals and in both tails. */
export function logGaussMass(a: number, b: number): number {
  if (!(b > a)) {
    return -Infinity;
  }
  if (b - a <= 0.05) {
    // Simpson's rule on the density: exact to ~1e-10 relative for such widths, wherever the interval is.
    const m = 0.5 * (a + b);
    return Math.log((b - a) / 6) + logSumExp([logPhi(a), Math.log(4) + logPhi(m), logPhi(b)]);
  }
  if (a >= 0) {
    return logGaussMass(-b, -a);
  }
  if (b <= 0) {
    const lb = logNdtr(b);
    return lb + Math.log1p(-Math.exp(logNdtr(a) - lb));
  }
  return Math.log1p(-Math.exp(logNdtr(a)) - Math.exp(logNdtr(-b)));
}
