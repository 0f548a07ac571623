// Command maeul-bench measures the service: it starts what it needs (a
// private PostgreSQL cluster with fsync on, the real server on 127.0.0.1)
// and prints figures next to a baseline measured in the same run.
//
//	go run ./cmd/maeul-bench ballots   ballots/s and latency vs raw pgx
//	go run ./cmd/maeul-bench live      websocket viewers: memory and latency
//	go run ./cmd/maeul-bench tally     tally read and feed latency: empty vs 1,000,000 ballots
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: maeul-bench ballots|live|tally [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "ballots":
		err = benchBallots(os.Args[2:])
	case "live":
		err = benchLive(os.Args[2:])
	case "tally":
		err = benchTally(os.Args[2:])
	default:
		err = fmt.Errorf("unknown benchmark %q (ballots, live or tally)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "maeul-bench:", err)
		os.Exit(1)
	}
}
