package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// JobEvent is one server-sent event of a job: "progress" while it runs,
// "done" when it has ended.
type JobEvent struct {
	// Seq numbers the events of one stream from 1.
	Seq   int
	Event string
	Job   Job
}

// JobEvents follows a job's server-sent events (GET /jobs/{id}/events),
// calling fn with each until the job ends, fn returns an error (returned
// as is) or ctx ends.
func (c *Client) JobEvents(ctx context.Context, id string, fn func(JobEvent) error) error {
	if err := need("id", id); err != nil {
		return err
	}
	resp, err := c.send(ctx, request{method: "GET", path: "/jobs/" + seg(id) + "/events", accept: "text/event-stream", noRepo: true})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var ev JobEvent
	var data bytes.Buffer
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 { // end of an event
			if data.Len() > 0 {
				if err := json.Unmarshal(data.Bytes(), &ev.Job); err != nil {
					return fmt.Errorf("codegraph client: job %s: event %d: %w", id, ev.Seq, err)
				}
				if err := fn(ev); err != nil {
					return err
				}
			}
			ev, data = JobEvent{}, bytes.Buffer{}
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "": // a comment (keep-alive)
		case "id":
			ev.Seq, _ = strconv.Atoi(string(value))
		case "event":
			ev.Event = string(value)
		case "data":
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.Write(value)
		}
	}
	if err := sc.Err(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("codegraph client: job %s events: %w", id, err)
	}
	return ctx.Err()
}

// StreamFilter selects what a stream sends.
type StreamFilter struct {
	Kinds []string
	// Langs and Files narrow node streams.
	Langs, Files []string
	// Resolved keeps only resolved edges (edge streams).
	Resolved bool
	// Limit stops the stream after this many items (0: all).
	Limit int
}

// StreamNodes calls fn with every node matching f, read from the NDJSON
// stream GET /stream/nodes without holding them all in memory; it stops at
// the first error fn returns.
func (c *Client) StreamNodes(ctx context.Context, f StreamFilter, fn func(Node) error) error {
	v := values{}.list("kind", f.Kinds).list("lang", f.Langs).each("file", f.Files).int("limit", f.Limit)
	return streamNDJSON(ctx, c, "/stream/nodes", url.Values(v), fn)
}

// StreamEdges calls fn with every edge matching f (GET /stream/edges).
func (c *Client) StreamEdges(ctx context.Context, f StreamFilter, fn func(Edge) error) error {
	v := values{}.list("kind", f.Kinds).bool("resolved", f.Resolved).int("limit", f.Limit)
	return streamNDJSON(ctx, c, "/stream/edges", url.Values(v), fn)
}

func streamNDJSON[T any](ctx context.Context, c *Client, path string, q url.Values, fn func(T) error) error {
	resp, err := c.send(ctx, request{method: "GET", path: path, query: q, accept: "application/x-ndjson"})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(resp.Body, 64<<10))
	for dec.More() {
		var item T
		if err := dec.Decode(&item); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("codegraph client: %s: %w", path, err)
		}
		if err := fn(item); err != nil {
			return err
		}
	}
	return nil
}
