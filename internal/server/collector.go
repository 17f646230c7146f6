package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// indexCollector reports, at scrape time, each repository's index sizes
// and state and the job queue's jobs and progress.
type indexCollector struct {
	svc *service.Service
}

var (
	descNodes = prometheus.NewDesc("codegraph_index_nodes", "Nodes in the repository's index.", []string{"repo"}, nil)
	descEdges = prometheus.NewDesc("codegraph_index_edges", "Edges in the repository's index.", []string{"repo"}, nil)
	descFiles = prometheus.NewDesc("codegraph_index_files", "Files in the repository's index.", []string{"repo"}, nil)
	descReady = prometheus.NewDesc("codegraph_index_ready", "1 when the repository's index is ready and fresh, else 0.", []string{"repo", "status"}, nil)
	descJobs  = prometheus.NewDesc("codegraph_jobs", "Jobs known to the queue, by kind and state.", []string{"kind", "state"}, nil)
	descProg  = prometheus.NewDesc("codegraph_job_progress_ratio", "Progress of running jobs (0..1), by job, kind, repo and phase.", []string{"job", "kind", "repo", "phase"}, nil)
)

func (c *indexCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descNodes, descEdges, descFiles, descReady, descJobs, descProg} {
		ch <- d
	}
}

func (c *indexCollector) Collect(ch chan<- prometheus.Metric) {
	for _, repo := range c.svc.Repos() {
		st := repo.State()
		ready := 0.0
		if st.Status == service.StatusReady {
			ready = 1
		}
		ch <- prometheus.MustNewConstMetric(descReady, prometheus.GaugeValue, ready, repo.Name(), string(st.Status))
		sn, release, err := repo.Acquire()
		if err != nil {
			continue
		}
		stats, err := sn.Stats()
		release()
		if err != nil {
			continue
		}
		ch <- prometheus.MustNewConstMetric(descNodes, prometheus.GaugeValue, float64(stats.Nodes), repo.Name())
		ch <- prometheus.MustNewConstMetric(descEdges, prometheus.GaugeValue, float64(stats.Edges), repo.Name())
		ch <- prometheus.MustNewConstMetric(descFiles, prometheus.GaugeValue, float64(stats.Files), repo.Name())
	}
	type ks struct{ kind, state string }
	counts := map[ks]int{}
	for _, j := range c.svc.Jobs().List() {
		counts[ks{j.Kind, string(j.State)}]++
		if j.State == jobs.Running {
			ratio := float64(j.Progress.Percent) / 100
			ch <- prometheus.MustNewConstMetric(descProg, prometheus.GaugeValue, ratio, j.ID, j.Kind, j.Repo, j.Progress.Phase)
		}
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(descJobs, prometheus.GaugeValue, float64(n), k.kind, k.state)
	}
}
