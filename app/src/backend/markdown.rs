//! Markdown that people write (replies, notes) turned into HTML that is safe to show: rendered
//! by pulldown-cmark, then sanitized by ammonia (no scripts, no event handlers, no `javascript:`
//! links; links open safely in a new tab).

use pulldown_cmark::{Options, Parser, html};

pub fn to_safe_html(markdown: &str) -> String {
    let mut rendered = String::new();
    html::push_html(
        &mut rendered,
        Parser::new_ext(
            markdown,
            Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
        ),
    );
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .set_tag_attribute_value("a", "target", "_blank")
        .clean(&rendered)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn markdown_becomes_html() {
        assert_eq!(
            to_safe_html("**bold** and `code`"),
            "<p><strong>bold</strong> and <code>code</code></p>\n"
        );
    }

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let html = to_safe_html("<script>alert(1)</script><img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        let links = to_safe_html("[x](javascript:alert(1)) <a href=\"javascript:alert(2)\">y</a>");
        assert!(!links.contains("href=\"javascript:"), "{links}");
    }

    #[test]
    fn links_cannot_reach_back_into_the_portal() {
        let html = to_safe_html("[docs](https://example.com)");
        assert!(
            html.contains(r#"rel="noopener noreferrer nofollow""#),
            "{html}"
        );
        assert!(html.contains(r#"target="_blank""#), "{html}");
    }
}
