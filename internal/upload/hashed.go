package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// IsHashedFile reports whether key, a file's path relative to the site root
// with "/" separators, is a bundler's content-hashed output: a new build
// gives changed content a new name, so the file may be cached "immutable".
// It recognises what Vite (Rollup and Rolldown), esbuild, webpack (Create
// React App included) and Angular emit with their default names, and
// rejects the names people give public files: dates, dimensions, versions
// and words (pitfall asset-cache-class).
//
//   - esbuild and Angular: "<name>-" and 8 base32 characters (A-Z, 2-7)
//     anywhere: chunk-5RAUNXPL.js, media/logo-ZQ4XJ2MN.png.
//   - Vite: "<name>-" and 8 base64url characters (A-Z, a-z, 0-9, "_", "-")
//     in the top folder assets/, where Vite puts every file it hashes and no
//     other: assets/index-BxT4e1Ab.js, assets/util-3-BQuZ7-fs.js. Public
//     files that land there too (public/assets/og-image-1200x630.png) are
//     told apart by their suffix: digits only, a dimension such as
//     1200x630, or a lower-case word with trailing digits.
//   - webpack: a "."-separated part after the first of 8 or more lower-case
//     hex digits (main.8995c813.js, 1231.ed89a96c.chunk.js,
//     logo.6ce24c58023cc2f8fd88.svg) unless it is a date (20240115), or a
//     name that is 16 or more hex digits (02a0356730b537d0d45e.png, the
//     default name of webpack's asset modules).
//
// A source map or a license file named after a hashed file (x.js.map,
// x.js.LICENSE.txt) is hashed with it. When a folder holds the bundler's own
// manifest, the upload relies on that instead (HashedFiles).
func IsHashedFile(key string) bool {
	return shapeHashed(key, true)
}

// companionSuffixes name a file after another one (x.js.map,
// x.js.LICENSE.txt, x.js.gz): it is hashed when that file is.
var companionSuffixes = []string{".map", ".LICENSE.txt", ".gz", ".br"}

// shapeHashed applies the name rules; inAssetsOnly limits the Vite rule to
// the top assets/ folder (not needed when a manifest vouches for the file).
func shapeHashed(key string, inAssetsOnly bool) bool {
	base := path.Base(key)
	for _, suffix := range companionSuffixes {
		if s, ok := strings.CutSuffix(base, suffix); ok && strings.Contains(s, ".") {
			base = s
		}
	}
	stem := strings.TrimSuffix(base, path.Ext(base))
	if stem == "" {
		return false
	}
	if bareHex.MatchString(stem) {
		return true
	}
	if m := dashHash.FindStringSubmatch(stem); m != nil {
		token := m[1]
		if base32Hash.MatchString(token) {
			return true
		}
		vite := !inAssetsOnly || (strings.HasPrefix(key, "assets/") && strings.Count(key, "/") == 1)
		if vite && !namelike.MatchString(token) {
			return true
		}
	}
	parts := strings.Split(stem, ".")
	for _, p := range parts[1:] {
		if dotHex.MatchString(p) && !dateLike.MatchString(p) {
			return true
		}
	}
	return false
}

var (
	// dashHash: the last 8 characters of the stem, after a "-" (Rollup's
	// base64url hashes may themselves contain "-").
	dashHash   = regexp.MustCompile(`.-([A-Za-z0-9_-]{8})$`)
	base32Hash = regexp.MustCompile(`^[A-Z2-7]{8}$`)
	// namelike are suffixes of hand-made names that a base64url hash
	// almost never is: a number, a dimension, a word with trailing digits.
	namelike = regexp.MustCompile(`^(?:[0-9]+|[0-9]+x[0-9]+|[a-z]+[0-9]*)$`)
	dotHex   = regexp.MustCompile(`^[0-9a-f]{8,}$`)
	bareHex  = regexp.MustCompile(`^[0-9a-f]{16,}$`)
	dateLike = regexp.MustCompile(`^(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]*$`)
)

// Bundler manifests the upload reads when the build wrote one.
const (
	// ViteManifest is written by Vite with build.manifest: true.
	ViteManifest = ".vite/manifest.json"
	// AssetManifest is written by Create React App (webpack's
	// webpack-manifest-plugin).
	AssetManifest = "asset-manifest.json"
)

// HashedFiles returns the rule that tells the content-hashed files of the
// built folder dir. With a bundler manifest in dir (ViteManifest or
// AssetManifest), the hashed files are exactly those the manifest lists
// whose names carry a hash, wherever they are, plus their source maps and
// license files; anything else, public files among them, is not. Without
// one, it is IsHashedFile.
func HashedFiles(dir string) (func(key string) bool, error) {
	listed, err := manifestFiles(dir)
	if err != nil || listed == nil {
		return IsHashedFile, err
	}
	return func(key string) bool {
		for _, suffix := range companionSuffixes {
			if s, ok := strings.CutSuffix(key, suffix); ok && listed[s] {
				key = s
			}
		}
		return listed[key] && shapeHashed(key, false)
	}, nil
}

// manifestFiles reads the files a bundler manifest in dir lists, as keys;
// nil when there is none.
func manifestFiles(dir string) (map[string]bool, error) {
	if b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(ViteManifest))); err == nil {
		var m map[string]struct {
			File   string   `json:"file"`
			Css    []string `json:"css"`
			Assets []string `json:"assets"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s is not a Vite manifest (%v); delete it or rebuild", ViteManifest, err)
		}
		listed := map[string]bool{}
		for _, c := range m {
			for _, f := range append(append([]string{c.File}, c.Css...), c.Assets...) {
				listed[strings.TrimPrefix(f, "/")] = f != ""
			}
		}
		return listed, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if b, err := os.ReadFile(filepath.Join(dir, AssetManifest)); err == nil {
		var m struct {
			Files map[string]string `json:"files"`
		}
		if err := json.Unmarshal(b, &m); err != nil || m.Files == nil {
			return nil, fmt.Errorf("%s is not a webpack asset manifest with \"files\"; delete it or rebuild", AssetManifest)
		}
		listed := map[string]bool{}
		for _, f := range m.Files {
			listed[strings.TrimPrefix(f, "/")] = true
		}
		return listed, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return nil, nil
}
