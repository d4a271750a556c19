import { lazy, Suspense } from 'react';
import { Skeleton } from 'antd';
import type { EChartProps } from './EChart';

// ECharts is large: it is fetched the first time a chart is drawn, so pages without a chart
// (the volunteer's pages, the workbench) never load it.
const EChart = lazy(() => import('./EChart').then((m) => ({ default: m.EChart })));

/** `EChart`, loaded on first use; a skeleton of the same height meanwhile. */
export function LazyEChart(props: EChartProps) {
  const height = props.height ?? 260;
  return (
    <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height }} />}>
      <EChart {...props} />
    </Suspense>
  );
}
