package server

import (
	"context"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// The operator's metrics (deploy/grafana and deploy/prometheus use them;
// go test ./deploy checks that every metric they name is one of these):
// index, resolve and watched-update durations and MCP tool calls, fed by
// the service's observer; the store engine's figures, the index's disk
// usage and the vector index's size, read at scrape time.

// runBuckets are the buckets of index-run durations: a watched update of
// one file takes milliseconds, a first index of a large tree minutes.
var runBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800}

// opsMetrics records index runs and MCP tool calls (a service.Observer).
type opsMetrics struct {
	indexDur    *prometheus.HistogramVec
	resolveDur  *prometheus.HistogramVec
	watchDur    *prometheus.HistogramVec
	runs        *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
	toolCalls   *prometheus.CounterVec
	toolDur     *prometheus.HistogramVec
}

// registerService registers the collectors that read the service at scrape
// time and the operator's metrics, and returns the latter (the service's
// observer).
func (m *metrics) registerService(svc *service.Service) *opsMetrics {
	m.register(&indexCollector{svc: svc}, &storeCollector{svc: svc})
	return newOpsMetrics(m)
}

// MetricNames returns every metric the server exports, with its variable
// labels (name → labels), whether or not it has samples yet: what
// dashboards and alert rules may use (go test ./deploy checks them).
// Histograms are listed by their base name (their series add _bucket with
// the le label, _sum and _count).
func MetricNames() map[string][]string {
	m := newMetrics()
	m.registerService(nil)
	out := map[string][]string{}
	ch := make(chan *prometheus.Desc, 64)
	go func() {
		for _, c := range m.collectors {
			c.Describe(ch)
		}
		close(ch)
	}()
	for d := range ch {
		// Desc has no accessors; its String is
		// Desc{fqName: "NAME", help: "...", constLabels: {...}, variableLabels: {a,b}}.
		s := d.String()
		mm := descName().FindStringSubmatch(s)
		if mm == nil {
			continue
		}
		var labels []string
		if lm := descLabels().FindStringSubmatch(s); lm != nil && lm[1] != "" {
			for _, l := range strings.Split(lm[1], ",") {
				labels = append(labels, strings.Trim(strings.TrimSpace(l), `"`))
			}
		}
		out[mm[1]] = labels
	}
	// promhttp registers its own error counter when the handler is made.
	out["promhttp_metric_handler_errors_total"] = []string{"cause"}
	return out
}

var (
	descName   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`fqName: "([^"]+)"`) })
	descLabels = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`variableLabels: \{([^}]*)\}`) })
)

func newOpsMetrics(mt *metrics) *opsMetrics {
	m := &opsMetrics{
		indexDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "codegraph_index_duration_seconds",
			Help:    "Time index runs took (index jobs and a watcher's first run), by repository.",
			Buckets: runBuckets,
		}, []string{"repo"}),
		resolveDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "codegraph_resolve_duration_seconds",
			Help:    "Time the resolution of references took within index runs and watched updates, by repository.",
			Buckets: runBuckets,
		}, []string{"repo"}),
		watchDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "codegraph_watch_update_duration_seconds",
			Help:    "Time from a batch of file changes to its update being committed (the watcher's update lag), by repository.",
			Buckets: runBuckets,
		}, []string{"repo"}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "codegraph_index_runs_total",
			Help: "Finished index runs, by repository, kind (index, watch) and result (ok, error).",
		}, []string{"repo", "kind", "result"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "codegraph_index_last_success_timestamp_seconds",
			Help: "When the last successful index run or watched update of the repository ended (Unix time).",
		}, []string{"repo"}),
		toolCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "codegraph_mcp_tool_calls_total",
			Help: "MCP tool calls answered, by tool and result (ok, error).",
		}, []string{"tool", "result"}),
		toolDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "codegraph_mcp_tool_duration_seconds",
			Help:    "Time MCP tool calls took, by tool.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"tool"}),
	}
	mt.register(m.indexDur, m.resolveDur, m.watchDur, m.runs, m.lastSuccess, m.toolCalls, m.toolDur)
	return m
}

// IndexRun records a finished index run.
func (m *opsMetrics) IndexRun(r service.RunReport) {
	result := "ok"
	if r.Err != nil {
		result = "error"
	}
	m.runs.WithLabelValues(r.Repo, r.Kind, result).Inc()
	if r.Err != nil {
		return
	}
	m.lastSuccess.WithLabelValues(r.Repo).Set(float64(time.Now().UnixNano()) / 1e9)
	if r.Kind == "watch" {
		m.watchDur.WithLabelValues(r.Repo).Observe(r.Duration.Seconds())
	} else {
		m.indexDur.WithLabelValues(r.Repo).Observe(r.Duration.Seconds())
	}
	if r.Resolve > 0 {
		m.resolveDur.WithLabelValues(r.Repo).Observe(r.Resolve.Seconds())
	}
}

// ToolCall records an MCP tool call.
func (m *opsMetrics) ToolCall(tool string, d time.Duration, failed bool) {
	result := "ok"
	if failed {
		result = "error"
	}
	m.toolCalls.WithLabelValues(tool, result).Inc()
	m.toolDur.WithLabelValues(tool).Observe(d.Seconds())
}

// storeCollector reports, at scrape time, each repository's store engine
// figures, the disk its index uses and the vector index's size.
type storeCollector struct {
	svc *service.Service
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, append([]string{"repo"}, labels...), nil)
}

var (
	descCompactions   = desc("codegraph_store_compactions_total", "Compactions the store engine completed since the store was opened.")
	descCompactingNow = desc("codegraph_store_compactions_in_progress", "Compactions running now.")
	descCompactDebt   = desc("codegraph_store_compaction_debt_bytes", "Bytes compactions must still rewrite to bring the LSM into shape.")
	descFlushes       = desc("codegraph_store_flushes_total", "Memtable flushes completed since the store was opened.")
	descL0Sublevels   = desc("codegraph_store_l0_sublevels", "Sublevels of level 0: each adds a table to every point read.")
	descL0Files       = desc("codegraph_store_l0_files", "Tables in level 0.")
	descReadAmp       = desc("codegraph_store_read_amplification", "Tables a point read may consult (level-0 sublevels plus non-empty levels).")
	descWriteAmp      = desc("codegraph_store_write_amplification", "Bytes written by flushes and compactions per byte flushed in, since the store was opened.")
	descCacheHits     = desc("codegraph_store_block_cache_hits_total", "Block cache hits since the store was opened.")
	descCacheMisses   = desc("codegraph_store_block_cache_misses_total", "Block cache misses since the store was opened.")
	descCacheRatio    = desc("codegraph_store_block_cache_hit_ratio", "Block cache hits over lookups since the store was opened (0..1).")
	descCacheBytes    = desc("codegraph_store_block_cache_bytes", "Bytes held by the block cache.")
	descMemTable      = desc("codegraph_store_memtable_bytes", "Bytes held by memtables.")
	descStoreDisk     = desc("codegraph_store_disk_bytes", "Bytes the store engine's files use on disk (tables, write-ahead log, obsolete files).")
	descTables        = desc("codegraph_store_tables", "Tables over all levels of the LSM.")
	descIndexDisk     = desc("codegraph_index_disk_bytes", "Bytes the repository's index directory uses (store and search indexes).")
	descFSFree        = desc("codegraph_index_filesystem_free_bytes", "Bytes available to codegraph on the filesystem holding the index.")
	descFSSize        = desc("codegraph_index_filesystem_size_bytes", "Size of the filesystem holding the index.")
	descVectors       = desc("codegraph_vector_index_vectors", "Searchable vectors in the vector index, by index kind (flat, ivf, hnsw).", "kind")
	descVecDeleted    = desc("codegraph_vector_index_deleted_vectors", "Deleted vectors the vector index still holds until it is compacted, by index kind.", "kind")
	descVecBytes      = desc("codegraph_vector_index_bytes", "Memory (or mapped file bytes) the vector index holds, by index kind.", "kind")
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCompactions, descCompactingNow, descCompactDebt, descFlushes, descL0Sublevels,
		descL0Files, descReadAmp, descWriteAmp, descCacheHits, descCacheMisses, descCacheRatio, descCacheBytes, descMemTable,
		descStoreDisk, descTables, descIndexDisk, descFSFree, descFSSize, descVectors, descVecDeleted, descVecBytes} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	for _, repo := range c.svc.Repos() {
		name := repo.Name()
		if n, err := dirBytes(repo.DB()); err == nil {
			gauge(descIndexDisk, float64(n), name)
		}
		if free, size, ok := filesystemSpace(repo.DB()); ok {
			gauge(descFSFree, float64(free), name)
			gauge(descFSSize, float64(size), name)
		}
		sn, release, err := repo.Acquire()
		if err != nil {
			continue
		}
		m := sn.Store.EngineMetrics()
		counter(descCompactions, float64(m.Compactions), name)
		gauge(descCompactingNow, float64(m.CompactionsInProgress), name)
		gauge(descCompactDebt, float64(m.CompactionDebtBytes), name)
		counter(descFlushes, float64(m.Flushes), name)
		gauge(descL0Sublevels, float64(m.L0Sublevels), name)
		gauge(descL0Files, float64(m.L0Files), name)
		gauge(descReadAmp, float64(m.ReadAmp), name)
		gauge(descWriteAmp, m.WriteAmp, name)
		counter(descCacheHits, float64(m.BlockCacheHits), name)
		counter(descCacheMisses, float64(m.BlockCacheMisses), name)
		if lookups := m.BlockCacheHits + m.BlockCacheMisses; lookups > 0 {
			gauge(descCacheRatio, float64(m.BlockCacheHits)/float64(lookups), name)
		}
		gauge(descCacheBytes, float64(m.BlockCacheBytes), name)
		gauge(descMemTable, float64(m.MemTableBytes), name)
		gauge(descStoreDisk, float64(m.DiskBytes), name)
		gauge(descTables, float64(m.Tables), name)
		// The vector index opens with the first semantic search; a scrape
		// opens it too (once per snapshot) when the index has vectors.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		vs, err := sn.Searcher().VectorStats(ctx)
		cancel()
		release()
		if err == nil {
			kind := vs.Kind.String()
			gauge(descVectors, float64(vs.Live), name, kind)
			gauge(descVecDeleted, float64(vs.Deleted), name, kind)
			gauge(descVecBytes, float64(vs.Bytes), name, kind)
		}
	}
}

// dirBytes is the size of the regular files under dir.
func dirBytes(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if d == nil || d.IsDir() {
				return err
			}
			return nil // a file removed during the walk (a compaction)
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n, err
}
