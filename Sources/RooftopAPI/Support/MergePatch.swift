import RooftopModel
import RooftopStore
import RooftopHTTP

/// JSON Merge Patch (RFC 7396) on a customer: what a `PATCH` body changes.
///
/// RFC 7396 §2: a member set to a value replaces it, a member set to `null` removes it, an object
/// merges member by member, anything else (an array) replaces the whole target. On a customer:
/// - a field set to `null` is cleared; a nested group (`communicationPreferences`,
///   `demographicInfo`) merges field by field, and set to `null` clears each of its fields;
/// - `phoneNumbers`, `addresses` and `tags` replace the whole list (`null`: an empty list).
enum MergePatch {
    /// The customer input a merge patch makes (its lists, when present, are whole lists).
    /// - Throws: ``ProblemDetails`` 400 `VALIDATION` for a bad value.
    static func customerInput(_ patch: [String: JSONValue]) throws -> CustomerInput {
        var object = patch
        for group in Set(CRMSchema.customer.fields.compactMap(\.group)) where object[group] == .null {
            object[group] = .object(Dictionary(uniqueKeysWithValues: CRMSchema.customer.fields
                .filter { $0.group == group && !$0.isSystem }.map { ($0.name, JSONValue.null) }))
        }
        for list in ["phoneNumbers", "addresses", "tags"] where object[list] == .null {
            object[list] = .array([])
        }
        do { return try CustomerInput(json: object) } catch { throw ProblemDetails.validation(error) }
    }
}
