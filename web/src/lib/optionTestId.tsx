import type { ReactNode } from 'react';

/**
 * An antd Select `optionRender` that gives each dropdown option a stable test id
 * (`${prefix}${value}`) without putting it on the selected-value display too.
 */
export function optionTestId(prefix: string) {
  const render = (o: { label?: ReactNode; value?: string | number | null }) => (
    <span data-testid={`${prefix}${String(o.value)}`}>{o.label}</span>
  );
  return render;
}
