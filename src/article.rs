//! Article text from scraped HTML pages: a record whose text is a web page is
//! reduced to the article (readability.js, via dom_smoothie) before it is
//! fingerprinted, so menus, footers and scripts never count as copy.

use dom_smoothie::{Config, Readability, TextMode};

/// When record texts are treated as HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HtmlMode {
    /// Only texts that look like an HTML page (see `looks_like_html`).
    #[default]
    Auto,
    /// Every text (`--html`).
    Always,
}

/// Whether `text` looks like an HTML document or fragment rather than prose:
/// it starts with a tag and either declares a document (`<!doctype html`,
/// `<html`, `<body`, `<head`) or closes a block element (`</p>`, `</div>`,
/// `</article>`). Wire copy writes tickers as `<Diversified Inc>`: not HTML.
pub(crate) fn looks_like_html(text: &str) -> bool {
    let head = text.trim_start();
    if !head.starts_with('<') {
        return false;
    }
    let probe: String = head
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_lowercase();
    ["<!doctype html", "<html", "<body", "<head"]
        .iter()
        .any(|tag| probe.starts_with(tag))
        || ["</p>", "</div>", "</article>"]
            .iter()
            .any(|tag| probe.contains(tag))
}

/// The article text of an HTML page, paragraphs separated by blank lines.
/// Falls back to the page's whole visible text when no article is found.
pub(crate) fn article_text(html: &str) -> Result<String, String> {
    let cfg = Config {
        text_mode: TextMode::Formatted,
        ..Default::default()
    };
    let mut readability = Readability::new(html, None, Some(cfg)).map_err(|e| e.to_string())?;
    match readability.parse() {
        Ok(article) if !article.text_content.trim().is_empty() => {
            Ok(article.text_content.to_string())
        }
        Ok(_) | Err(_) => {
            let raw = Config {
                text_mode: TextMode::Formatted,
                ..Default::default()
            };
            let mut readability =
                Readability::new(html, None, Some(raw)).map_err(|e| e.to_string())?;
            readability
                .parse_with_policy(dom_smoothie::ParsePolicy::Raw)
                .map(|a| a.text_content.to_string())
                .map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_html_but_not_prose() {
        assert!(looks_like_html(
            "  <!DOCTYPE html><html><body><p>x</p></body></html>"
        ));
        assert!(looks_like_html("<div class=\"story\"><p>Text</p></div>"));
        assert!(!looks_like_html("The <b>bold</b> claim"));
        assert!(!looks_like_html("<3 this story"));
        // Reuters-21578 reut-19580 begins so.
        assert!(!looks_like_html(
            "<Diversified Diagnostic Industries Inc>\nsaid it has received approval"
        ));
        assert!(!looks_like_html("<P and O Steam Navigation> said <div>end"));
    }

    #[test]
    fn extracts_the_article_not_the_furniture() {
        let story = "Russia is expanding defence production and introducing the latest technologies in weapons factories, according to an ally of Vladimir Putin. ";
        let html = format!(
            "<html><head><title>T</title><script>var x = 1;</script></head><body>\
             <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a> <a href=\"/sport\">Sport</a></nav>\
             <article><h1>Russia ramping up arms</h1><p>{}</p><p>{}</p><p>{}</p></article>\
             <footer>Copyright Daily Courier. Share on Facebook.</footer></body></html>",
            story.repeat(2),
            story.repeat(2),
            story.repeat(2)
        );
        let text = article_text(&html).unwrap();
        assert!(text.contains("expanding defence production"), "{text}");
        assert!(!text.contains("var x"), "{text}");
    }
}
