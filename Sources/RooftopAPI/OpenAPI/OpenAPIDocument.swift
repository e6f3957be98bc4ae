import RooftopCRM
import RooftopModel

/// The OpenAPI 3.1 description of the staff API, served at `/openapi.json` and kept in the repo
/// (`openapi/rooftop.json`, checked equal by a test): the generic collections come from the entity
/// declarations (``EntityResource``), the domain actions are described here beside their routes.
public enum OpenAPIDocument {
    typealias Object = [String: JSONValue]

    /// The document.
    public static var json: JSONValue {
        var paths: [String: Object] = [:]
        func add(_ path: String, _ method: String, _ operation: Object) { paths[path, default: [:]][method] = .object(operation) }
        for entity in CRMSchema.resources {
            let r = entity.resource!
            let base = "/api/crm/\(r.path)"
            add(base, "get", op("List \(r.name) records", r.summary + " Pages with a cursor.", parameters: listParameters(entity),
                               ok: page(OpenAPISchemas.ref(r.name))))
            add(base + "/{id}", "get", op("Get a \(r.name)", "410 when it was deleted, erased or purged; 404 when never known here.",
                                         parameters: [idParameter()], ok: response(OpenAPISchemas.ref(r.name), etag: true)))
            guard r.writable else { continue }
            add(base, "post", op("Create a \(r.name)", "Required: \(r.required.joined(separator: ", ")). 201 with Location and ETag.",
                                body: OpenAPISchemas.ref(r.name + "Input"), ok: response(OpenAPISchemas.ref(r.name), etag: true), okStatus: "201"))
            add(base + "/{id}", "put", op("Update a \(r.name)", "Requires If-Match with the ETag of the read (428 without, 412 when it changed since). Absent members are kept, null clears; only changed fields are stamped.",
                                         parameters: [idParameter(), ifMatch(required: true)], body: OpenAPISchemas.ref(r.name + "Input"),
                                         ok: response(OpenAPISchemas.ref(r.name), etag: true)))
            add(base + "/{id}", "patch", op("Patch a \(r.name)", "A JSON Merge Patch (RFC 7396); If-Match optional.",
                                           parameters: [idParameter(), ifMatch(required: false)], body: OpenAPISchemas.ref(r.name + "Input"),
                                           bodyType: "application/merge-patch+json", ok: response(OpenAPISchemas.ref(r.name), etag: true)))
            add(base + "/{id}", "delete", op("Delete a \(r.name)", "Writes a tombstone (wins over edits made without knowledge of it); restore brings it back.",
                                            parameters: [idParameter(), ifMatch(required: false)], ok: nil, okStatus: "204"))
            add(base + "/{id}/restore", "post", op("Restore a deleted \(r.name)", "409 CONFLICT when it is not deleted.",
                                                  parameters: [idParameter()], ok: response(OpenAPISchemas.ref(r.name), etag: true)))
        }
        for (path, method, operation) in CRMOperations.all { add(path, method, operation) }
        return [
            "openapi": "3.1.0",
            "info": ["title": "Rooftop staff API", "version": .string("schema-\(CRMSchema.version)"),
                     "description": "The CRM of one rooftop, served from its local replica whether or not the hub answers. Bodies are the design document's camelCase JSON; every error is RFC 9457 application/problem+json with a stable code. Lists take limit (default \(CRMService.defaultLimit), at most \(CRMService.maxLimit)) and cursor (the previous page's nextCursor, null on the last page); unknown query parameters are refused with 400."],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": ["schemas": .object(OpenAPISchemas.components)],
        ]
    }

    /// The document as served: sorted keys, pretty-printed.
    public static var bytes: [UInt8] { Array((try? json.encoded(pretty: true)) ?? Data()) + [0x0A] }

    // MARK: Building blocks

    static func op(_ summary: String, _ description: String, parameters: [JSONValue] = [], body: JSONValue? = nil,
                   bodyType: String = "application/json", alsoBodyTypes: [String] = [], ok: JSONValue?, okStatus: String = "200") -> Object {
        var responses: Object = ["default": ["description": "a problem (RFC 9457): 400 VALIDATION, 404, 409, 410, 412, 413, 415, 421, 422, 428, 503 CLOCK_SKEW",
                                             "content": ["application/problem+json": ["schema": OpenAPISchemas.ref("Problem")]]]]
        responses[okStatus] = ok ?? ["description": "done"]
        var operation: Object = ["summary": .string(summary), "description": .string(description), "responses": .object(responses)]
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if let body {
            let content = Dictionary(uniqueKeysWithValues: ([bodyType] + alsoBodyTypes).map { ($0, JSONValue.object(["schema": body])) })
            operation["requestBody"] = ["required": true, "content": .object(content)]
        }
        return operation
    }

    static func response(_ schema: JSONValue, etag: Bool = false) -> JSONValue {
        var response: Object = ["description": "ok", "content": ["application/json": ["schema": schema]]]
        if etag { response["headers"] = ["ETag": ["description": "the entity tag to send back in If-Match", "schema": ["type": "string"]]] }
        return .object(response)
    }

    static func page(_ item: JSONValue) -> JSONValue {
        response(["allOf": [OpenAPISchemas.ref("Page"), ["type": "object", "properties": ["items": ["type": "array", "items": item]]]]])
    }

    static func idParameter(_ name: String = "id") -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string", "format": "uuid"]]
    }

    static func query(_ name: String, _ schema: JSONValue, _ description: String = "", required: Bool = false) -> JSONValue {
        ["name": .string(name), "in": "query", "required": .bool(required), "schema": schema, "description": .string(description)]
    }

    static func ifMatch(required: Bool) -> JSONValue {
        ["name": "If-Match", "in": "header", "required": .bool(required), "schema": ["type": "string"],
         "description": "the ETag of the read this write is based on (RFC 9110 §13.1.1)"]
    }

    static var paging: [JSONValue] {
        [query("limit", ["type": "integer", "minimum": 1, "maximum": .number(Double(CRMService.maxLimit))], "default \(CRMService.defaultLimit)"),
         query("cursor", ["type": "string", "maxLength": 4096], "the previous page's nextCursor")]
    }

    static func listParameters(_ entity: EntitySchema) -> [JSONValue] {
        var parameters = paging
        let r = entity.resource!
        if !r.sorts.isEmpty {
            parameters.append(query("sort", ["type": "string", "enum": .array(r.sorts.flatMap { [JSONValue.string($0), .string("-" + $0)] })],
                                    "a field, descending with a leading -; ties by id"))
        }
        for name in r.filters {
            guard let spec = entity.field(name) else { continue }
            var schema = OpenAPISchemas.type(spec.type)
            if case .list(let element, _) = spec.type { schema = OpenAPISchemas.type(element) }
            schema["description"] = nil
            parameters.append(query(name, .object(schema), "equal to (for a list: holds) this value"))
        }
        for (name, field) in [("createdAfter", "createdAt"), ("createdBefore", "createdAt"), ("updatedAfter", "updatedAt"), ("updatedBefore", "updatedAt")]
        where entity.field(field) != nil {
            parameters.append(query(name, ["type": "string", "format": "date-time"], "\(field) range"))
        }
        return parameters
    }
}

import Foundation
