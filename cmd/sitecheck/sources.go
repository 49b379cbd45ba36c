package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// source is one template to check: a file, a stack of a cloud assembly or
// a deployed distribution.
type source struct {
	// name is what the output calls it: the file's path, or
	// "distribution E2ABC..." in live mode.
	name string
	// stack is the stack's name when it came from a cloud assembly.
	stack string
	// read returns the template as JSON.
	read func() ([]byte, error)
	// err, when set, is why the source could not even be listed.
	err error
}

// Artifact types of a cloud assembly's manifest.json.
const (
	artifactStack    = "aws:cloudformation:stack"
	artifactAssembly = "cdk:cloud-assembly"
)

// maxAssemblyDepth bounds the nesting of stage assemblies, in case a
// manifest refers to itself.
const maxAssemblyDepth = 8

// sourcesOf lists the templates that a command-line path names: a cloud
// assembly directory (cdk.out) or its manifest.json gives every stack in
// it, nested stage assemblies included; any other file is one template.
func sourcesOf(path string) []source {
	info, err := os.Stat(path)
	if err != nil {
		return []source{{name: path, err: readErr(err)}}
	}
	switch {
	case info.IsDir():
		manifest := filepath.Join(path, "manifest.json")
		if _, err := os.Stat(manifest); err != nil {
			return []source{{name: path, err: errors.New("a directory without manifest.json is not a cloud assembly: give the cdk.out directory that `cdk synth` wrote, or template files")}}
		}
		return assemblySources(path, 0)
	case filepath.Base(path) == "manifest.json":
		return assemblySources(filepath.Dir(path), 0)
	}
	return []source{{name: path, read: func() ([]byte, error) { return readTemplateFile(path) }}}
}

// assemblySources reads dir/manifest.json.
func assemblySources(dir string, depth int) []source {
	manifestPath := filepath.Join(dir, "manifest.json")
	data, err := os.ReadFile(manifestPath)
	if err != nil {
		return []source{{name: manifestPath, err: readErr(err)}}
	}
	var manifest struct {
		Artifacts map[string]struct {
			Type        string `json:"type"`
			DisplayName string `json:"displayName"`
			Properties  struct {
				TemplateFile  string `json:"templateFile"`
				StackName     string `json:"stackName"`
				DirectoryName string `json:"directoryName"`
			} `json:"properties"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		return []source{{name: manifestPath, err: fmt.Errorf("not a cloud assembly manifest: %w", err)}}
	}
	ids := make([]string, 0, len(manifest.Artifacts))
	for id := range manifest.Artifacts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []source
	for _, id := range ids {
		a := manifest.Artifacts[id]
		switch a.Type {
		case artifactStack:
			name := a.DisplayName
			if name == "" {
				name = id
			}
			if a.Properties.TemplateFile == "" {
				out = append(out, source{name: manifestPath, stack: name, err: fmt.Errorf("artifact %s has no properties.templateFile", id)})
				continue
			}
			file := filepath.Join(dir, a.Properties.TemplateFile)
			out = append(out, source{name: file, stack: name, read: func() ([]byte, error) { return readTemplateFile(file) }})
		case artifactAssembly:
			if a.Properties.DirectoryName == "" {
				continue
			}
			if depth >= maxAssemblyDepth {
				out = append(out, source{name: manifestPath, err: fmt.Errorf("nested assembly %s: nested more than %d deep", id, maxAssemblyDepth)})
				continue
			}
			out = append(out, assemblySources(filepath.Join(dir, a.Properties.DirectoryName), depth+1)...)
		}
	}
	if len(out) == 0 {
		return []source{{name: manifestPath, err: errors.New("the cloud assembly has no stacks (no artifact of type aws:cloudformation:stack)")}}
	}
	return out
}

// readErr shortens os errors: the path is printed beside them anyway.
func readErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(err, fs.ErrNotExist) {
			return errors.New("no such file or directory")
		}
		return pe.Err
	}
	return err
}

// readTemplateFile reads a template in JSON or YAML and returns it as
// JSON. .json files are JSON, .yaml and .yml files YAML; any other name
// (.template, .txt) is JSON when it starts with "{".
func readTemplateFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, readErr(err)
	}
	isJSON := bytes.HasPrefix(bytes.TrimSpace(data), []byte("{"))
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		isJSON = true
	case ".yaml", ".yml":
		isJSON = false
	}
	if isJSON {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				line := 1 + bytes.Count(data[:min(int(syn.Offset), len(data))], []byte("\n"))
				return nil, fmt.Errorf("invalid JSON at line %d: %w", line, err)
			}
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		return data, nil
	}
	out, err := yamlToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	return out, nil
}
