/** Reading Katib-style string settings. checkAlgorithm validates them; these readers fall back to defaults. */
export function intSetting(
  settings: Record<string, string> | undefined,
  names: string[],
  fallback: number
): number {
  for (const name of names) {
    const raw = settings?.[name];
    if (raw !== undefined && raw.trim() !== '' && Number.isFinite(Number(raw))) {
      return Math.trunc(Number(raw));
    }
  }
  return fallback;
}

export function floatSetting(
  settings: Record<string, string> | undefined,
  names: string[],
  fallback: number | undefined
): number | undefined {
  for (const name of names) {
    const raw = settings?.[name];
    if (raw !== undefined && raw.trim() !== '' && Number.isFinite(Number(raw))) {
      return Number(raw);
    }
  }
  return fallback;
}

/** The seed a request really uses: Katib's `random_state` setting wins over the study seed. */
export function seedOf(seed: number, settings: Record<string, string> | undefined): number {
  return intSetting(settings, ['random_state'], seed);
}
