//! Tooltips and links laid over a drawn chart: plotters' SVG backend has no
//! `<title>` element, so each tip is an invisible shape (in a group of
//! `fill="transparent"`, which still takes the pointer) appended before `</svg>` with the text
//! the browser shows on hover. Where a chart shortens a label, its tip holds
//! the whole one; a history point's tip gives the run, value and interval.

/// Where a tip sits, in the SVG's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape {
    /// Top-left and bottom-right corners.
    Rect((i32, i32), (i32, i32)),
    /// A point and the radius around it that shows the tip.
    Dot((i32, i32), i32),
}

/// One tooltip, optionally a link (`href`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tip {
    pub shape: Shape,
    pub text: String,
    pub href: Option<String>,
}

/// `svg` with the tips laid over it (unchanged when there are none).
pub(crate) fn overlay(svg: String, tips: &[Tip]) -> String {
    let Some(end) = svg.rfind("</svg>").filter(|_| !tips.is_empty()) else {
        return svg;
    };
    // One group sets the fill every tip shares: a history has thousands.
    let mut layer = String::from("<g fill=\"transparent\">\n");
    for tip in tips {
        let shape = match tip.shape {
            Shape::Rect((x0, y0), (x1, y1)) => format!(
                "<rect x=\"{x0}\" y=\"{y0}\" width=\"{}\" height=\"{}\">",
                (x1 - x0).max(1),
                (y1 - y0).max(1)
            ),
            Shape::Dot((x, y), r) => {
                format!("<circle cx=\"{x}\" cy=\"{y}\" r=\"{r}\">")
            }
        };
        let element = if shape.starts_with("<rect") {
            "rect"
        } else {
            "circle"
        };
        let body = format!(
            "{shape}<title>{}</title></{element}>",
            xml_escape(&tip.text)
        );
        match &tip.href {
            Some(href) => layer.push_str(&format!("<a href=\"{}\">{body}</a>\n", xml_escape(href))),
            None => {
                layer.push_str(&body);
                layer.push('\n');
            }
        }
    }
    layer.push_str("</g>\n");
    let mut out = svg;
    out.insert_str(end, &layer);
    out
}

/// Text for an SVG attribute or element; control characters are shown as
/// escapes (`draw::label`), since XML forbids them.
pub(crate) fn xml_escape(text: &str) -> String {
    super::draw::label(text, usize::MAX)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Tips for the labels `shown` that were shortened from `full`: the whole
/// text where the chart drew an ellipsis, placed by `at`.
pub(crate) fn for_shortened<'a>(
    labels: impl Iterator<Item = (&'a str, &'a str, Shape)>,
) -> Vec<Tip> {
    labels
        .filter(|(shown, full, _)| shown != full)
        .map(|(_, full, shape)| Tip {
            shape,
            text: full.to_owned(),
            href: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tips_go_before_the_end_of_the_svg_escaped() {
        let svg = "<svg><g/></svg>\n".to_owned();
        let tips = [
            Tip {
                shape: Shape::Rect((1, 2), (11, 7)),
                text: "a<b & \"c\"".into(),
                href: Some("#d?x=1&y".into()),
            },
            Tip {
                shape: Shape::Dot((5, 6), 4),
                text: "v1.0: 1 ms".into(),
                href: None,
            },
        ];
        assert_eq!(
            overlay(svg.clone(), &tips),
            "<svg><g/><g fill=\"transparent\">\n<a href=\"#d?x=1&amp;y\"><rect x=\"1\" y=\"2\" width=\"10\" \
             height=\"5\"><title>a&lt;b &amp; &quot;c&quot;</title></rect></a>\n\
             <circle cx=\"5\" cy=\"6\" r=\"4\"><title>v1.0: 1 ms</title></circle>\n\
             </g>\n</svg>\n"
        );
        assert_eq!(overlay(svg.clone(), &[]), svg);
    }

    #[test]
    fn only_shortened_labels_get_a_tip_with_the_whole_text() {
        let at = Shape::Rect((0, 0), (1, 1));
        let tips = for_shortened([("ab…", "abcdef", at), ("xy", "xy", at)].into_iter());
        assert_eq!(tips.len(), 1);
        assert_eq!(tips[0].text, "abcdef");
    }
}
