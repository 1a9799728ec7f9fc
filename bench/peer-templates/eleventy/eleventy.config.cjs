// Eleventy settings for the bench: Markdown bodies are not run through a template engine
// (sitegen's are not either); layouts are Nunjucks.
module.exports = function () {
  return {
    dir: { input: "src", output: "_site", includes: "_includes" },
    templateFormats: ["md", "njk"],
    markdownTemplateEngine: false,
    htmlTemplateEngine: "njk",
  };
};
