import Foundation
import Homeward
import HomewardStore

/// One self-contained HTML file for an auditor: the period's statistics as tables, charts as
/// inline SVG, and the findings.
struct HTMLReport {
    let model: ReliefModel
    let from: LocalDate
    let to: LocalDate
    let head: StoreHead
    let storePath: String

    /// The guard violations stored in the log (imported with `--record-violations`), each judged
    /// against its stream as stored before it.
    func guardFindings() -> [(caseId: String, position: UInt64, violation: RuleViolation)] {
        var findings: [(String, UInt64, RuleViolation)] = []
        for (caseId, history) in model.cases.sorted(by: { $0.key < $1.key }).map({ ($0.key.string, $0.value) }) {
            var state = CaseState(caseId: caseId)
            for record in history.effective {
                for violation in Case.violations(of: record.event, occurredAt: record.occurredAt, in: state, calendar: model.configuration.calendar) {
                    findings.append((caseId, record.position, violation))
                }
                state = state.evolve(record)
            }
        }
        return findings
    }

    func render() -> String {
        let calendar = model.configuration.calendar
        let end = calendar.start(of: to)
        let statistics = model.statistics(from: from, to: to)
        let contributions = model.contributions()
        var days: [LocalDate] = []
        var day = from
        while day < to {
            days.append(day)
            day = day.adding(days: 1)
        }
        func daily(_ key: String) -> [Int] {
            var totals: [LocalDate: Int] = [:]
            for contribution in contributions {
                for count in contribution.counts where count.key == key { totals[count.date, default: 0] += count.amount }
            }
            return days.map { totals[$0] ?? 0 }
        }
        let returns = daily("returnedHome")
        let weeks = stride(from: 0, to: days.count, by: 7).map { start in (days[start], returns[start..<min(start + 7, returns.count)].reduce(0, +)) }
        // Stays open at the period end, by length.
        var openLengths = [0, 0, 0, 0]
        for contribution in contributions {
            for stay in contribution.stays where stay.admittedAt < end && (stay.endedAt.map { $0 >= end } ?? true) {
                let hours = Double(end.microsecondsSinceEpoch - stay.admittedAt.microsecondsSinceEpoch) / 3_600_000_000
                openLengths[hours > 2160 ? 3 : hours > 720 ? 2 : hours > 240 ? 1 : 0] += 1
            }
        }
        var overdueByRule: [DeadlineRule: [String]] = [:]
        var missedInPeriod: [(String, [DeadlineRule])] = []
        for caseId in model.caseIds {
            guard let timeline = model.timeline(caseId) else { continue }
            for rule in timeline.overdue(at: end) { overdueByRule[rule, default: []].append(caseId) }
            let missed = timeline.missed(upTo: end)
            if !missed.isEmpty { missedInPeriod.append((caseId, missed)) }
        }
        let findings = guardFindings()
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Homeward report \(from) to \(to)</title>
            <style>
            body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC", -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 960px; color: #222; }
            h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
            table { border-collapse: collapse; margin: 0.5em 0; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; } .meta { color: #555; font-size: 0.9em; }
            .chart-title { font-size: 13px; font-weight: bold; } .label { font-size: 10px; fill: #444; } .value { font-size: 10px; fill: #222; }
            .charts { display: flex; flex-wrap: wrap; gap: 1em; } figure { margin: 0; }
            </style></head><body>
            <h1>Relief statistics, \(from) to \(to)</h1>
            <p class="meta">Period [\(from), \(to)) in local dates (UTC\(offsetText(calendar.utcOffsetSeconds))). Store \(SVGChart.escape(storePath)),
            log head at position \(head.position), chain hash <code>\(head.hash.hex)</code>. Regions and lines: \(SVGChart.escape(model.configuration.name)).</p>
            <h2>Figures</h2>
            <table><tr><th>figure</th><th>value</th></tr>
            """
        if case .object(let object) = statistics.json {
            for member in object.members {
                if case .object(let nested) = member.value {
                    for entry in nested.members { html += "<tr><td>\(member.key).\(SVGChart.escape(entry.key))</td><td class=\"n\">\(plain(entry.value))</td></tr>" }
                } else {
                    let shown: String
                    if case .number(let number) = member.value { shown = String(format: "%.2f", number) } else { shown = plain(member.value) }
                    html += "<tr><td>\(member.key)</td><td class=\"n\">\(shown)</td></tr>"
                }
            }
        }
        html += "</table>\n<h2>Charts</h2>\n<div class=\"charts\">\n"
        html += "<figure id=\"chart-daily\">" + SVGChart.lines(
            title: "Reports and admissions per day", labels: days.map { String($0.description.suffix(5)) },
            series: [("reports", daily("reports")), ("admissions", daily("admissions"))]
        ) + "</figure>\n"
        html += "<figure id=\"chart-returns\">" + SVGChart.bars(title: "Returns home per week", labels: weeks.map { "from \($0.0.description.suffix(5))" }, values: weeks.map(\.1), color: SVGChart.palette[2]) + "</figure>\n"
        html += "<figure id=\"chart-tracing\">" + SVGChart.bars(
            title: "Tracing success by channel", labels: TracingChannel.allCases.map(\.rawValue),
            values: TracingChannel.allCases.map { statistics.tracingSuccessByChannel[$0] ?? 0 }, color: SVGChart.palette[1]
        ) + "</figure>\n"
        html += "<figure id=\"chart-stranded\">" + SVGChart.bars(
            title: "Stays open at the period end, by length", labels: ["up to 10 days", "10 to 30 days", "30 to 90 days", "over 90 days"],
            values: openLengths, color: SVGChart.palette[3]
        ) + "</figure>\n"
        html += "<figure id=\"chart-overdue\">" + SVGChart.bars(
            title: "Overdue deadlines at the period end, by rule", labels: DeadlineRule.allCases.map(\.rawValue),
            values: DeadlineRule.allCases.map { overdueByRule[$0]?.count ?? 0 }, color: SVGChart.palette[5]
        ) + "</figure>\n</div>\n"
        html += "<h2>Findings</h2>\n<h3>Guard violations stored in the log</h3>\n"
        if findings.isEmpty {
            html += "<p>None: every event of the log keeps the guards.</p>\n"
        } else {
            html += "<table><tr><th>case</th><th>position</th><th>rule</th><th>explanation</th></tr>"
            for finding in findings {
                html += "<tr><td>\(SVGChart.escape(finding.caseId))</td><td class=\"n\">\(finding.position)</td><td>\(finding.violation.rule)</td><td>\(SVGChart.escape(finding.violation.explanation))</td></tr>"
            }
            html += "</table>\n"
        }
        html += "<h3>Deadlines overdue at the period end</h3>\n<table><tr><th>rule</th><th>cases</th></tr>"
        for rule in DeadlineRule.allCases where overdueByRule[rule] != nil {
            html += "<tr><td>\(rule.rawValue)</td><td>\(overdueByRule[rule]!.joined(separator: ", "))</td></tr>"
        }
        html += "</table>\n<h3>Deadlines missed up to the period end (met late or not at all)</h3>\n<table><tr><th>case</th><th>rules</th></tr>"
        for (caseId, rules) in missedInPeriod {
            html += "<tr><td>\(SVGChart.escape(caseId))</td><td>\(rules.map(\.rawValue).joined(separator: ", "))</td></tr>"
        }
        html += "</table>\n<p class=\"meta\">Working days are Monday to Friday; public holidays are not yet known to Homeward.</p>\n</body></html>\n"
        return html
    }

    func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return "\(sign)\(minutes / 60 < 10 ? "0" : "")\(minutes / 60):\(minutes % 60 < 10 ? "0" : "")\(minutes % 60)"
    }
}
