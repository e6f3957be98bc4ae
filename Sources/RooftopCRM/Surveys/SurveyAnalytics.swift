import Foundation
import RooftopModel
import RooftopReplication
import RooftopStore

/// Survey results over a period: response rate, NPS and average scores, overall and by rooftop
/// (the rooftop that sent the survey, `homeRooftop`).
public struct SurveyAnalytics: Sendable, Codable, Equatable {
    public struct Figures: Sendable, Codable, Equatable {
        public var sent: Int
        public var completed: Int
        /// completed / sent, 0...1 (null when nothing was sent).
        public var responseRate: Double?
        /// Net Promoter Score over completed NPS surveys: % promoters (9–10) − % detractors (0–6),
        /// −100...100, rounded to a whole number (Reichheld, "The One Number You Need to Grow", HBR 2003); null without one.
        public var nps: Int?
        public var promoters: Int
        public var passives: Int
        public var detractors: Int
        /// Survey type → mean `overallScore` (0–10) of its completed surveys.
        public var averageScoreByType: [String: Double]
    }

    /// The period: `sentDate` within `[from, to)` (RFC 3339; null = unbounded).
    public var from: String?
    public var to: String?
    public var overall: Figures
    /// Rooftop id → its figures.
    public var byRooftop: [String: Figures]
    /// Period → its figures, when a period was asked for: `2026-12-04` (day, UTC), `2026-W49` (ISO 8601
    /// week), `2026-12` (month), by `sentDate`.
    public var byPeriod: [String: Figures]?

    /// The grouping periods.
    public static let periods = ["day", "week", "month"]

    /// The period a stored `sentDate` falls in.
    static func periodKey(_ sentDate: String, _ period: String) -> String {
        switch period {
        case "day": return String(sentDate.prefix(10))
        case "month": return String(sentDate.prefix(7))
        default:
            guard let ms = Timestamp.milliseconds(sentDate) else { return "unknown" }
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: Date(timeIntervalSince1970: Double(ms) / 1000))
            return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
        }
    }

    static func figures(_ surveys: [(row: StoredRow, score: Int?)]) -> Figures {
        let completed = surveys.filter { !$0.row["completedDate"].isNull }
        let nps = completed.filter { $0.row["surveyType"].textValue == "NPS" }.compactMap(\.score)
        let promoters = nps.filter { $0 >= 9 }.count, detractors = nps.filter { $0 <= 6 }.count
        var byType: [String: [Int]] = [:]
        for survey in completed { if let score = survey.score, let type = survey.row["surveyType"].textValue { byType[type, default: []].append(score) } }
        return Figures(sent: surveys.count, completed: completed.count,
                       responseRate: surveys.isEmpty ? nil : Double(completed.count) / Double(surveys.count),
                       nps: nps.isEmpty ? nil : Int((Double(promoters - detractors) * 100 / Double(nps.count)).rounded()),
                       promoters: promoters, passives: nps.count - promoters - detractors, detractors: detractors,
                       averageScoreByType: byType.mapValues { (Double($0.reduce(0, +)) / Double($0.count) * 100).rounded() / 100 })
    }
}

extension CRMService {
    /// Survey analytics over surveys sent in `[from, to)`, optionally of one type or rooftop.
    /// - Parameters: `from`/`to` are stored date-times (RFC 3339 UTC) or nil.
    /// - Parameter period: `day`, `week` or `month` to add ``SurveyAnalytics/byPeriod``.
    public func surveyAnalytics(from: String?, to: String?, surveyType: String?, rooftop: String?, period: String? = nil) throws -> SurveyAnalytics {
        try replica.snapshot { tx in
            var conditions = ["1"]
            var arguments: [FieldValue] = []
            if let from { conditions.append("sentDate >= ?"); arguments.append(.text(from)) }
            if let to { conditions.append("sentDate < ?"); arguments.append(.text(to)) }
            if let surveyType { conditions.append("surveyType = ?"); arguments.append(.text(surveyType)) }
            if let rooftop { conditions.append("homeRooftop = ?"); arguments.append(.text(rooftop)) }
            conditions.append("customerId IN (SELECT id FROM customer WHERE _created IS NOT NULL AND _deleted IS NULL AND _mergedInto IS NULL)")
            let surveys = try tx.rows(CRMSchema.customerSurvey, where: conditions.joined(separator: " AND "), arguments: arguments)
            let scored = try surveys.map { ($0, SurveyRules.overallScore(try SurveyRules.responses(survey: $0.id, tx))) }
            let byRooftop = Dictionary(grouping: scored) { $0.0["homeRooftop"].textValue ?? "unknown" }
            var analytics = SurveyAnalytics(from: from, to: to, overall: SurveyAnalytics.figures(scored.map { (row: $0.0, score: $0.1) }),
                                             byRooftop: byRooftop.mapValues { SurveyAnalytics.figures($0.map { (row: $0.0, score: $0.1) }) })
            if let period {
                let byPeriod = Dictionary(grouping: scored) { SurveyAnalytics.periodKey($0.0["sentDate"].textValue ?? "", period) }
                analytics.byPeriod = byPeriod.mapValues { SurveyAnalytics.figures($0.map { (row: $0.0, score: $0.1) }) }
            }
            return analytics
        }
    }
}
