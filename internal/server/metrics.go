package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors, on a registry of its
// own (no global state: several servers in one process, as in tests, do
// not collide).
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	search      *prometheus.HistogramVec
	rateLimited prometheus.Counter
	authFailed  prometheus.Counter
	streamed    *prometheus.CounterVec
	snapshots   *prometheus.CounterVec
	cache       *prometheus.CounterVec
	collectors  []prometheus.Collector // every one registered
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "codegraph_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "codegraph_http_request_duration_seconds",
		Help:    "Time to answer HTTP requests (streams: until they end), by route pattern, method and status code.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "method", "code"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "codegraph_http_in_flight_requests",
		Help: "HTTP requests being answered.",
	})
	m.search = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "codegraph_search_duration_seconds",
		Help:    "Time the search engine took per search (without HTTP), by mode.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"mode"})
	m.rateLimited = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "codegraph_http_rate_limited_total",
		Help: "Requests refused with 429 by the per-client token bucket.",
	})
	m.authFailed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "codegraph_http_auth_failures_total",
		Help: "Requests refused with 401 (missing or unknown API key).",
	})
	m.streamed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "codegraph_stream_items_total",
		Help: "Items written by the NDJSON streams, by stream (nodes, edges).",
	}, []string{"stream"})
	m.snapshots = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "codegraph_snapshot_acquires_total",
		Help: "Read snapshots acquired by requests, by result (ok, no_index, error).",
	}, []string{"result"})
	m.cache = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "codegraph_search_cache_requests_total",
		Help: "Search answers looked up in the result cache, by result (hit, miss).",
	}, []string{"result"})
	m.register(m.cache, m.requests, m.latency, m.inFlight, m.search, m.rateLimited, m.authFailed, m.streamed, m.snapshots,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// register registers collectors and keeps them for MetricNames.
func (m *metrics) register(cs ...prometheus.Collector) {
	m.reg.MustRegister(cs...)
	m.collectors = append(m.collectors, cs...)
}

// observe records one answered request.
func (m *metrics) observe(route, method string, code int, d time.Duration) {
	c := strconv.Itoa(code)
	m.requests.WithLabelValues(route, method, c).Inc()
	m.latency.WithLabelValues(route, method, c).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
