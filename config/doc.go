// Package config loads jobtester's settings from defaults, a YAML file,
// JOBTESTER_* environment variables and command-line flags (later sources
// win), and validates them with errors that name the setting. Settings
// (settings.go) is the one list of keys, defaults and help the loader, the
// flags and the README's table are made from; Config groups the values by
// the part of the program that reads them. Of this module it imports only
// ethaddr.
package config
