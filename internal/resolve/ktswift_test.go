package resolve_test

import (
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestKotlinSwiftCalls pins every call edge of a small Kotlin project
// (packages, class and star imports, same-package functions without an
// import, companion-object functions, constructors and this(...))
// and a small Swift package (two targets with a struct of the same name,
// an extension in another file, the test target importing both): receivers
// typed by parameters, properties, locals and this/self, inherited
// members, and library calls as external nodes.
func TestKotlinSwiftCalls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		dir  string
		want map[string]string
	}{
		{"testdata/kotlin", map[string]string{
			"com.shop.model.Order.constructor this":                    "src/main/kotlin/com/shop/model/Order.kt:com.shop.model.Order",
			"com.shop.model.Order.find Order":                          "src/main/kotlin/com/shop/model/Order.kt:com.shop.model.Order.constructor",
			"com.shop.orders.OrderService.clock Clock":                 "src/main/kotlin/com/shop/util/Strings.kt:com.shop.util.Clock",
			"com.shop.orders.OrderService.place Moment.now":            "@external:kotlin/java.time:java.time.Instant.now",
			"com.shop.orders.OrderService.place Order":                 "src/main/kotlin/com/shop/model/Order.kt:com.shop.model.Order.constructor",
			"com.shop.orders.OrderService.place Order.find":            "src/main/kotlin/com/shop/model/Order.kt:com.shop.model.Order.find | src/main/kotlin/com/shop/model/Order.kt:com.shop.model.Order.find",
			"com.shop.orders.OrderService.place Order.find().total":    "src/main/kotlin/com/shop/model/Order.kt:com.shop.model.Order.total",
			"com.shop.orders.OrderService.place listOf":                "@external:kotlin/kotlin:kotlin.listOf",
			"com.shop.orders.OrderService.place listOf().first":        "@external:kotlin/kotlin:kotlin.listOf.first",
			"com.shop.orders.OrderService.place listOf().first().ship": "unresolved",
			"com.shop.orders.OrderService.place require":               "@external:kotlin/kotlin:kotlin.require",
			"com.shop.orders.OrderService.place audit":                 "src/main/kotlin/com/shop/orders/Repo.kt:com.shop.orders.audit",
			"com.shop.orders.OrderService.place clock.now":             "src/main/kotlin/com/shop/util/Strings.kt:com.shop.util.Clock.now",
			"com.shop.orders.OrderService.place found.total":           "src/main/kotlin/com/shop/model/Order.kt:com.shop.model.Order.total",
			"com.shop.orders.OrderService.place helper":                "src/main/kotlin/com/shop/orders/OrderService.kt:com.shop.orders.OrderService.helper",
			"com.shop.orders.OrderService.place o.ship":                "src/main/kotlin/com/shop/model/Order.kt:com.shop.model.Order.ship",
			"com.shop.orders.OrderService.place o.touch":               "src/main/kotlin/com/shop/model/Order.kt:com.shop.model.Entity.touch",
			"com.shop.orders.OrderService.place println":               "@external:kotlin/kotlin:kotlin.println",
			"com.shop.orders.OrderService.place repo.save":             "src/main/kotlin/com/shop/orders/Repo.kt:com.shop.orders.Repo.save",
			"com.shop.orders.OrderService.place slug":                  "src/main/kotlin/com/shop/util/Strings.kt:com.shop.util.slug",
			"com.shop.orders.OrderService.place this.helper":           "src/main/kotlin/com/shop/orders/OrderService.kt:com.shop.orders.OrderService.helper",
			"com.shop.orders.OrderService.relay order.id.toString":     "@external:kotlin/kotlin:kotlin.Int.toString",
			"com.shop.orders.OrderService.relay order.ship":            "src/main/kotlin/com/shop/model/Order.kt:com.shop.model.Order.ship",
			"com.shop.util.slug s.lowercase":                           "@external:kotlin/kotlin:kotlin.String.lowercase",
		}},
		{"testdata/swift", map[string]string{
			"Order.find Order":                         "Sources/Core/Order.swift:Order.init",
			"Order.init super.init":                    "Sources/Core/Order.swift:Entity",
			"OrderService.logger Logger":               "Sources/App/Logger.swift:Logger",
			"OrderService.place Date":                  "@external:swift/Foundation:Foundation.Date",
			"OrderService.place Order":                 "Sources/Core/Order.swift:Order.init",
			"OrderService.place Order.find().ship":     "Sources/Core/Order.swift:Order.ship",
			"OrderService.place Order.find":            "Sources/Core/Order.swift:Order.find | Sources/Core/Order.swift:Order.find",
			"OrderService.place audit":                 "Sources/App/OrderService.swift:audit",
			"OrderService.place found.total":           "Sources/Core/Order+Total.swift:Order.total",
			"OrderService.place helper":                "Sources/App/OrderService.swift:OrderService.helper",
			"OrderService.place logger.flush":          "Sources/App/Logger.swift:Logger.flush",
			"OrderService.place o.ship":                "Sources/Core/Order.swift:Order.ship",
			"OrderService.place o.touch":               "Sources/Core/Order.swift:Entity.touch",
			"OrderService.place print":                 "@external:swift/Swift:Swift.print",
			"OrderService.place repo.save":             "Sources/App/OrderService.swift:Repo.save",
			"OrderService.place self.helper":           "Sources/App/OrderService.swift:OrderService.helper",
			"OrderService.relay order.ship":            "Sources/Core/Order.swift:Order.ship",
			"OrderServiceTests.testPlace Logger":       "unresolved",
			"OrderServiceTests.testPlace MemoryRepo":   "Tests/AppTests/OrderServiceTests.swift:MemoryRepo",
			"OrderServiceTests.testPlace OrderService": "Sources/App/OrderService.swift:OrderService.init",
			"OrderServiceTests.testPlace logger.flush": "unresolved",
			"OrderServiceTests.testPlace s.place":      "Sources/App/OrderService.swift:OrderService.place",
			"package Package":                          "@external:swift/PackageDescription:PackageDescription.Package",
		}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			checkExact(t, edgeSet(t, tc.dir, graph.EdgeCalls), tc.want)
		})
	}
}

// TestKotlinSwiftImports: a Kotlin import of a class or function binds to
// its file, of a package of the repository to no one file; a Swift import
// of a target of the package binds to no one file; libraries are external
// packages.
func TestKotlinSwiftImports(t *testing.T) {
	t.Parallel()
	checkExact(t, edgeSet(t, "testdata/kotlin", graph.EdgeImports), map[string]string{
		"src/main/kotlin/com/shop/orders/OrderService.kt com.shop.model.Order": "src/main/kotlin/com/shop/model/Order.kt:src/main/kotlin/com/shop/model/Order.kt",
		"src/main/kotlin/com/shop/orders/OrderService.kt com.shop.util.*":      "unresolved",
		"src/main/kotlin/com/shop/orders/OrderService.kt java.time.Instant":    "@external:kotlin/java.time.Instant:java.time.Instant",
		"src/main/kotlin/com/shop/orders/Repo.kt com.shop.model.Order":         "src/main/kotlin/com/shop/model/Order.kt:src/main/kotlin/com/shop/model/Order.kt",
	})
	checkExact(t, edgeSet(t, "testdata/swift", graph.EdgeImports), map[string]string{
		"Package.swift PackageDescription":            "@external:swift/PackageDescription:PackageDescription",
		"Sources/App/OrderService.swift Core":         "unresolved",
		"Sources/App/OrderService.swift Foundation":   "@external:swift/Foundation:Foundation",
		"Tests/AppTests/OrderServiceTests.swift App":  "unresolved",
		"Tests/AppTests/OrderServiceTests.swift Core": "unresolved",
	})
}
