// Loads the specs served beside this page, each exported from its service's code: a list of
// two, the users service's first (Swagger UI's top bar switches between them).
window.onload = function () {
  window.ui = SwaggerUIBundle({
    urls: [
      { url: "./swagger.json", name: "users" },
      { url: "./items.json", name: "items" },
    ],
    "urls.primaryName": "users",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Same-origin API calls carry the refresh cookie; the access token goes in "Authorize".
    withCredentials: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
};
