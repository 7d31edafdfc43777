/* STAND-IN for the progress codec (templates/static/assets/codec.js, another branch of issue 15).
 *
 * Same interface (`window.cqCodec`: version, Promise-returning encode and decode), simplest
 * encoding: "S1." then the progress record (without notes) as JSON, compressed with raw
 * DEFLATE, in base64. `course package` puts this file in a package only while the built site
 * has no assets/codec.js; builder/lms/package.py estimates its worst-case length.
 */
(function () {
  "use strict";

  if (window.cqCodec) return;
  var PREFIX = "S1.";

  function pipe(bytes, stream) {
    return new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer();
  }

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text);
  }

  function fromBase64(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  window.cqCodec = {
    version: 1,
    encode: function (progress) {
      var record = JSON.parse(JSON.stringify(progress));
      delete record.notes;
      var bytes = new TextEncoder().encode(JSON.stringify(record));
      return pipe(bytes, new CompressionStream("deflate-raw")).then(function (packed) {
        return PREFIX + toBase64(packed);
      });
    },
    decode: function (text) {
      return Promise.resolve().then(function () {
        if (typeof text !== "string" || text.indexOf(PREFIX) !== 0) throw new Error("not saved by this course");
        return pipe(fromBase64(text.slice(PREFIX.length)), new DecompressionStream("deflate-raw"));
      }).then(function (buffer) {
        var progress = JSON.parse(new TextDecoder().decode(buffer));
        progress.notes = {};
        return progress;
      }).catch(function (error) {
        throw new Error(error.message === "not saved by this course" ? error.message : "the saved progress is damaged");
      });
    }
  };
})();
