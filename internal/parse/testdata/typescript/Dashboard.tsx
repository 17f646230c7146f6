import React, { useMemo, type FC, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { Card } from "./components/Card";
import type { Metric } from "../types";

/** Props of the dashboard page. */
export interface DashboardProps {
  title: string;
  metrics: Metric[];
  renderFooter?: () => ReactNode;
}

type SortKey = keyof Metric;

/** Renders one metric tile. */
export const MetricTile: FC<{ metric: Metric }> = ({ metric }) => (
  <Card title={metric.label}>
    <Sparkline points={metric.history} />
  </Card>
);

function useSorted<T>(items: T[], key: keyof T): T[] {
  return useMemo(() => [...items].sort((a, b) => compare(a[key], b[key])), [items, key]);
}

/**
 * Dashboard page.
 */
export default function Dashboard({ title, metrics, renderFooter }: DashboardProps) {
  const sorted = useSorted(metrics, "value" as SortKey);
  const { data, isLoading } = useQuery<Metric[]>({ queryKey: ["live"], queryFn: fetchLive });

  const handleExport = async (): Promise<void> => {
    await exportCsv(sorted);
  };

  if (isLoading) return <Spinner size="large" />;
  return (
    <Layout.Page title={title}>
      {sorted.map((m) => (
        <MetricTile key={m.id} metric={m} />
      ))}
      <Chart<Metric> series={data ?? []} />
      <button onClick={handleExport}>Export</button>
      {renderFooter?.()}
    </Layout.Page>
  );
}

interface BoundaryState {
  failed: boolean;
}

export class Boundary extends React.Component<{ children: ReactNode }, BoundaryState> {
  state: BoundaryState = { failed: false };

  static getDerivedStateFromError(): BoundaryState {
    return { failed: true };
  }

  componentDidCatch(error: Error): void {
    logError(error);
  }

  render() {
    return this.state.failed ? <Fallback onRetry={() => this.setState({ failed: false })} /> : this.props.children;
  }
}
