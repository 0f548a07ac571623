package main

import "errors"

func benchBallots(args []string) error { return errors.New("not built yet") }
