// ESLint for the site's own scripts, templates/static/assets/*.js, and the LMS package's,
// templates/lms/*.js: `make lint-js`, which runs it
// from the project folder (the `files` pattern is relative to it).
//
// They are ES5 browser scripts: builder/assets.py minifies them with an ES5 parser, so the
// syntax stays ES5 (var, function; no let, const, arrows or classes) even where the browsers
// that run them know more. The runtime they use is newer (Promise, fetch, URL, WeakMap), so
// the built-in objects are those of ES2017. Each script is a plain script wrapped in a
// function with "use strict". They reach each other, and what Material for MkDocs defines
// (document$, __md_scope), through `window` (window.cqCourse, window.cqHooks, window.document$),
// so that a script never fails on a global that is not there: no shared global is declared.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    files: ["templates/static/assets/**/*.js", "templates/lms/*.js"],
    languageOptions: {
      ecmaVersion: 5,
      sourceType: "script",
      globals: { ...globals.es2017, ...globals.browser },
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
