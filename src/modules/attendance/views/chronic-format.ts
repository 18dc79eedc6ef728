const formats = new Map<string, Intl.NumberFormat>();

/** A rate kept in basis points (hundredths of a percent) as the reader's language writes it: "90.56%" / "90,56 %". */
export function percent(lang: string, bp: number): string {
  let f = formats.get(lang);
  if (!f) formats.set(lang, (f = new Intl.NumberFormat(lang === 'es' ? 'es-US' : 'en-US', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 })));
  return f.format(bp / 10000);
}
