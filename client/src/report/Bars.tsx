import { useId } from 'react';

export interface Bar {
  key: string;
  label: string;
  count: number;
  /** A colour family for the bar (status bars: open, accepted…). */
  tone?: string;
}

/**
 * A bar chart as a list: each row is its label, a bar scaled to the largest count (decoration),
 * and the number as text, so the numbers read and print without the bars.
 */
export function Bars({ title, bars, empty }: { title: string; bars: Bar[]; empty: string }) {
  const id = useId();
  const max = Math.max(1, ...bars.map((b) => b.count));
  return (
    <figure className="chart">
      <figcaption id={id} className="chart-title">
        {title}
      </figcaption>
      {bars.length === 0 ? (
        <p className="muted chart-empty">{empty}</p>
      ) : (
        <ul className="bars" aria-labelledby={id}>
          {bars.map((bar) => (
            <li key={bar.key} className={`bar bar-${bar.tone ?? 'default'}`}>
              <span className="bar-label">
                {bar.label}
                <span className="visually-hidden">:</span>
              </span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${(bar.count / max) * 100}%` }} />
              </span>
              <span className="bar-value">{bar.count}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
