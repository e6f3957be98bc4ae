import Foundation

/// Files under the repository's `fixtures/` and `sync-protocol/` folders.
public enum Fixtures {
    /// The repository root (two levels above this source file's folder).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `fixtures/<path>`.
    public static func url(_ path: String) -> URL { repositoryRoot.appendingPathComponent("fixtures").appendingPathComponent(path) }

    /// `sync-protocol/<path>`.
    public static func spec(_ path: String) -> URL { repositoryRoot.appendingPathComponent("sync-protocol").appendingPathComponent(path) }

    /// The `rooftop` executable of the debug build (`.build/debug/rooftop`; `scripts/test` builds it).
    public static var rooftopExecutable: String { repositoryRoot.appendingPathComponent(".build/debug/rooftop").path }

    /// The contents of `fixtures/<path>`.
    public static func data(_ path: String) throws -> Data { try Data(contentsOf: url(path)) }
}
