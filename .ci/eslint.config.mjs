// ESLint for the site's own scripts, templates/static/assets/*.js: `make lint-js`, which runs it
// from the project folder (the `files` pattern is relative to it).
//
// They are ES5 browser scripts: builder/assets.py minifies them with an ES5 parser, so the
// syntax stays ES5 (var, function; no let, const, arrows or classes) even where the browsers
// that run them know more. The runtime they use is newer (Promise, fetch, URL, WeakMap), so
// the built-in objects are those of ES2017. Each script is a plain script wrapped in a
// function with "use strict", and they reach each other through `window` (window.cqCourse,
// window.cqHooks), so the only shared globals are the two that Material for MkDocs defines.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    files: ["templates/static/assets/**/*.js"],
    languageOptions: {
      ecmaVersion: 5,
      sourceType: "script",
      globals: {
        ...globals.es2017,
        ...globals.browser,
        document$: "readonly", // Material: an observable of each page view (instant navigation)
        __md_scope: "readonly", // Material: the URL of the site's root
      },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      ...js.configs.recommended.rules,
      strict: ["error", "function"],
      // ES5 has no `catch {}`: a catch clause names its error even when it does not use it.
      "no-unused-vars": ["error", { caughtErrors: "none" }],
    },
  },
];
