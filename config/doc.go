// Package config loads jobtester's settings from defaults, a YAML file,
// JOBTESTER_* environment variables and command-line flags (later sources
// win), and validates them with errors that name the setting. It must not
// import any other package of this module.
package config
