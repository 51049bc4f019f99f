/* Swagger UI for /api/docs/: configuration comes from the page's json_script, so the page needs no inline script. */
(function () {
  "use strict";
  var node = document.getElementById("swagger-config");
  if (!node || typeof SwaggerUIBundle === "undefined") {
    return;
  }
  var config = JSON.parse(node.textContent);

  function cookie(name) {
    var found = document.cookie.split(";").map(function (c) { return c.trim(); })
      .filter(function (c) { return c.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  window.ui = SwaggerUIBundle({
    url: config.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // The browser's session needs Django's CSRF token on writes; a token header needs none.
    requestInterceptor: function (request) {
      if (request.method && request.method !== "GET" && !request.headers.Authorization) {
        request.headers[config.csrfHeader] = cookie("csrftoken");
      }
      return request;
    }
  });
})();
