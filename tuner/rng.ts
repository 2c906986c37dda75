/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32) so that every suggestion is a pure function of
 * (seed, trial index, purpose): a restarted proxy replays the history and gets the same next suggestion.
 */

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

/** Mixes any number of integers (seeds may exceed 32 bits) into one 32-bit state. */
function mix(parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const lo = part >>> 0;
    const hi = Math.floor(part / 0x100000000) >>> 0;
    for (const word of [lo, hi]) {
      h = Math.imul(h ^ word, 0x01000193);
      h = splitmix32(h)[1];
    }
  }
  return h;
}

export class Rng {
  private s: Uint32Array;
  private spareNormal: number | null = null;

  /** `parts`: the study seed, then whatever makes this stream distinct (trial index, a purpose tag). */
  constructor(...parts: number[]) {
    let state = mix(parts);
    this.s = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(state);
      state = next;
      this.s[i] = out;
    }
    if (this.s.every(v => v === 0)) {
      this.s[0] = 1;
    }
  }

  private nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.random() * n));
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) {
      u = this.random();
    }
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Index drawn with probability proportional to `weights`. */
  choice(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      total += weights[i];
    }
    let u = this.random() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Purpose tags, so streams for different uses of the same trial index never coincide. */
export const STREAM = {
  random: 1,
  tpe: 2,
  cmaes: 3,
  grid: 4,
  hyperband: 5,
  categorical: 6
} as const;
