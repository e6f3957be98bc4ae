/// An ADF document cannot be imported; nothing from it is imported.
///
/// ``problems`` names every fault found, each with the prospect it is in
/// (`prospect 1: <requestdate> is not an ISO 8601 date-time`).
public struct ADFError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "; ") }
}
