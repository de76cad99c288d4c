import Foundation

/// Small inline SVG charts for the HTML report: no scripts, no external files.
enum SVGChart {
    static let palette = ["#2f6f9f", "#d9822b", "#4c9a2a", "#a23b72", "#7a5195", "#c23b22", "#3a7d7c"]

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Vertical bars, one per label, with the value above each bar.
    static func bars(title: String, labels: [String], values: [Int], color: String = palette[0], width: Int = 600, height: Int = 280) -> String {
        let maximum = max(1, values.max() ?? 1)
        let left = 70, bottom = 95, top = 42
        let plotHeight = height - bottom - top
        let slot = Double(width - left - 10) / Double(max(1, labels.count))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        svg += "<title>\(escape(title))</title><text x=\"\(left)\" y=\"18\" class=\"chart-title\">\(escape(title))</text>"
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - 10)\" y2=\"\(top + plotHeight)\" stroke=\"#888\"/>"
        for (index, value) in values.enumerated() {
            let barHeight = Double(plotHeight) * Double(value) / Double(maximum)
            let x = Double(left) + slot * Double(index) + slot * 0.15
            let y = Double(top + plotHeight) - barHeight
            svg += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(slot * 0.7))\" height=\"\(fmt(barHeight))\" fill=\"\(color)\"><title>\(escape(labels[index])): \(value)</title></rect>"
            svg += "<text x=\"\(fmt(x + slot * 0.35))\" y=\"\(fmt(y - 3))\" text-anchor=\"middle\" class=\"value\">\(value)</text>"
            svg += "<text x=\"\(fmt(x + slot * 0.35))\" y=\"\(top + plotHeight + 14)\" text-anchor=\"end\" transform=\"rotate(-35 \(fmt(x + slot * 0.35)) \(top + plotHeight + 14))\" class=\"label\">\(escape(labels[index]))</text>"
        }
        return svg + "</svg>"
    }

    /// Lines over a sequence of days, one per series, with a legend.
    static func lines(title: String, labels: [String], series: [(name: String, values: [Int])], width: Int = 900, height: Int = 260) -> String {
        let maximum = max(1, series.flatMap(\.values).max() ?? 1)
        let left = 40, bottom = 40, top = 40
        let plotWidth = width - left - 20, plotHeight = height - bottom - top
        let step = labels.count > 1 ? Double(plotWidth) / Double(labels.count - 1) : 0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        svg += "<title>\(escape(title))</title><text x=\"\(left)\" y=\"18\" class=\"chart-title\">\(escape(title))</text>"
        for tick in 0...4 {
            let value = maximum * tick / 4
            let y = Double(top + plotHeight) - Double(plotHeight) * Double(value) / Double(maximum)
            svg += "<line x1=\"\(left)\" y1=\"\(fmt(y))\" x2=\"\(left + plotWidth)\" y2=\"\(fmt(y))\" stroke=\"#e3e3e3\"/>"
            svg += "<text x=\"\(left - 4)\" y=\"\(fmt(y + 4))\" text-anchor=\"end\" class=\"label\">\(value)</text>"
        }
        for (index, label) in labels.enumerated() where labels.count <= 12 || index % max(1, labels.count / 12) == 0 {
            svg += "<text x=\"\(fmt(Double(left) + step * Double(index)))\" y=\"\(top + plotHeight + 16)\" text-anchor=\"middle\" class=\"label\">\(escape(label))</text>"
        }
        for (number, line) in series.enumerated() {
            let color = palette[number % palette.count]
            let points = line.values.enumerated().map { index, value in
                "\(fmt(Double(left) + step * Double(index))),\(fmt(Double(top + plotHeight) - Double(plotHeight) * Double(value) / Double(maximum)))"
            }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points)\"/>"
            svg += "<rect x=\"\(left + 260 + number * 150)\" y=\"8\" width=\"12\" height=\"12\" fill=\"\(color)\"/><text x=\"\(left + 276 + number * 150)\" y=\"18\" class=\"label\">\(escape(line.name))</text>"
        }
        return svg + "</svg>"
    }

    static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
