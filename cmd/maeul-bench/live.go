package main

import "errors"

func benchLive(args []string) error { return errors.New("not built yet") }
