import { lazy, Suspense, type ComponentProps } from 'react';
import { Skeleton } from 'antd';

// Apache ECharts is large: it is fetched the first time a chart is drawn, so pages without a
// chart (the volunteer's home, the activity list) never load it.
const Chart = lazy(() => import('./Chart').then((m) => ({ default: m.Chart })));

/** The same chart as `Chart`, loaded on first use; a skeleton of the same height meanwhile. */
export function LazyChart(props: ComponentProps<typeof Chart>) {
  const height = props.height ?? 240;
  return (
    <Suspense fallback={<Skeleton.Node active style={{ width: '100%', height }} />}>
      <Chart {...props} />
    </Suspense>
  );
}
