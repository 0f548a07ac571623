package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// rehearse starts a rehearsal on a running service through its API and
// follows it until the report is in.
func rehearse(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("rehearse", flag.ContinueOnError)
	slug := fs.String("assembly", "", "the assembly's slug (or id)")
	phones := fs.Int("phones", 100, "simulated phones (1–2000)")
	minutes := fs.Float64("minutes", 2, "duration in minutes (0.2–60)")
	base := fs.String("url", envOr("MAEUL_URL", "http://127.0.0.1:8080"), "the running service (MAEUL_URL)")
	token := fs.String("token", os.Getenv("MAEUL_TOKEN"), "an API token of the assembly's dong host (MAEUL_TOKEN; `maeul token create`)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *slug == "" || *token == "" {
		return errors.New("usage: maeul rehearse --assembly SLUG --phones N --minutes M [--url URL] --token TOKEN (or MAEUL_TOKEN)")
	}
	body, _ := json.Marshal(map[string]any{"assembly": *slug, "phones": *phones, "minutes": *minutes})
	var run struct {
		ID       int64  `json:"id"`
		Slug     string `json:"slug"`
		State    string `json:"state"`
		Report   string `json:"report"`
		Progress struct {
			Phones  int     `json:"phones"`
			Opened  int     `json:"opened"`
			Voted   int     `json:"voted"`
			Errors  int     `json:"errors"`
			Elapsed float64 `json:"elapsed_seconds"`
		} `json:"progress"`
	}
	u := strings.TrimRight(*base, "/")
	if err := apiCall(ctx, http.MethodPost, u+"/api/v1/rehearsals", *token, body, &run); err != nil {
		return err
	}
	fmt.Printf("리허설 %d 시작: %d phones, %.1f min\n  projector %s/p/%s\n  ballot    %s/v/%s\n", run.ID, *phones, *minutes, u, run.Slug, u, run.Slug)
	for run.State == "running" {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
		if err := apiCall(ctx, http.MethodGet, u+"/api/v1/rehearsals/"+strconv.FormatInt(run.ID, 10), *token, nil, &run); err != nil {
			return err
		}
		p := run.Progress
		fmt.Printf("  %5.0fs  opened %d  voted %d/%d  errors %d\n", p.Elapsed, p.Opened, p.Voted, p.Phones, p.Errors)
	}
	fmt.Println()
	fmt.Print(run.Report)
	if run.State != "done" {
		return errors.New("the rehearsal failed: no ballot was accepted")
	}
	return nil
}

func apiCall(ctx context.Context, method, url, token string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach the service at %s: %v (is `maeul serve` running? set --url)", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		json.Unmarshal(b, &e)
		if e.Error.Message == "" {
			e.Error.Message = strings.TrimSpace(string(b))
		}
		return fmt.Errorf("%s (HTTP %d)", e.Error.Message, res.StatusCode)
	}
	return json.Unmarshal(b, out)
}
