package resolve_test

import (
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestOOCalls pins every call edge of a small C#, Ruby and PHP project
// each: namespaces and usings, require_relative, PSR-4 use imports,
// receivers typed by parameters, fields, locals (new T, T.new) and
// this/self, inherited members, static and class methods, constructors,
// and library calls as external nodes.
func TestOOCalls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		dir  string
		want map[string]string
	}{
		{"testdata/csharp", map[string]string{
			"Shop.Models.Order.Find Order":                       "Models/Order.cs:Shop.Models.Order.Order",
			"Shop.Services.OrderService.Place Order":             "Models/Order.cs:Shop.Models.Order.Order",
			"Shop.Services.OrderService.Place o.Ship":            "Models/Order.cs:Shop.Models.Order.Ship",
			"Shop.Services.OrderService.Place _repo.Save":        "Services/BaseService.cs:Shop.Services.IRepo.Save",
			"Shop.Services.OrderService.Place Order.Find":        "Models/Order.cs:Shop.Models.Order.Find",
			"Shop.Services.OrderService.Place Helper":            "Services/OrderService.cs:Shop.Services.OrderService.Helper",
			"Shop.Services.OrderService.Place this.Helper":       "Services/OrderService.cs:Shop.Services.OrderService.Helper",
			"Shop.Services.OrderService.Place Log":               "Services/BaseService.cs:Shop.Services.BaseService.Log",
			"Shop.Services.OrderService.Place Console.WriteLine": "@external:csharp/System:System.Console.WriteLine",
		}},
		{"testdata/ruby", map[string]string{
			"Shop.Order.find new":              "lib/shop/order.rb:Shop.Order.initialize",
			"Shop.Service.place Order.new":     "lib/shop/order.rb:Shop.Order.initialize",
			"Shop.Service.place o.ship":        "lib/shop/order.rb:Shop.Order.ship",
			"Shop.Service.place Order.find":    "lib/shop/order.rb:Shop.Order.find",
			"Shop.Service.place helper":        "lib/shop/service.rb:Shop.Service.helper",
			"Shop.Service.place self.helper":   "lib/shop/service.rb:Shop.Service.helper",
			"Shop.Service.relay order.ship":    "lib/shop/order.rb:Shop.Order.ship ?",
			"Shop.Service.relay list.each":     "unresolved",
			"Shop.Service.place format":        "@external:ruby/Kernel:Kernel.format",
			"Shop.Service.place JSON.generate": "@external:ruby/global:global.JSON.generate",
		}},
		{"testdata/php", map[string]string{
			"App.Models.Order.find Order":                    "src/Models/Order.php:App.Models.Order.__construct",
			"App.Services.OrderService.place Order":          "src/Models/Order.php:App.Models.Order.__construct",
			"App.Services.OrderService.place o.ship":         "src/Models/Order.php:App.Models.Order.ship",
			"App.Services.OrderService.place Order.find":     "src/Models/Order.php:App.Models.Order.find",
			"App.Services.OrderService.place this.repo.save": "src/Services/Repo.php:App.Services.Repo.save",
			"App.Services.OrderService.place this.helper":    "src/Services/OrderService.php:App.Services.OrderService.helper",
			"App.Services.OrderService.place strlen":         "@external:php/builtins:builtins.strlen",
			"App.Services.OrderService.place Client":         "@external:php/GuzzleHttp:GuzzleHttp.Client",
			"App.Services.OrderService.place c.get":          "@external:php/GuzzleHttp:GuzzleHttp.Client.get",
		}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			checkExact(t, edgeSet(t, tc.dir, graph.EdgeCalls), tc.want)
		})
	}
}

// TestOOImports: PHP use imports bind to the class file through
// composer.json's PSR-4 prefixes, Ruby require_relative to the file
// beside, libraries to external packages.
func TestOOImports(t *testing.T) {
	t.Parallel()
	got := edgeSet(t, "testdata/php", graph.EdgeImports)
	checkExact(t, got, map[string]string{
		"src/Services/OrderService.php App.Models": "src/Models/Order.php:src/Models/Order.php",
		"src/Services/OrderService.php GuzzleHttp": "@external:php/GuzzleHttp:GuzzleHttp",
		"src/Services/Repo.php App.Models":         "src/Models/Order.php:src/Models/Order.php",
	})
	got = edgeSet(t, "testdata/ruby", graph.EdgeImports)
	checkExact(t, got, map[string]string{
		"lib/shop.rb json":            "@external:ruby/json:json",
		"lib/shop.rb ./shop/service":  "lib/shop/service.rb:lib/shop/service.rb",
		"lib/shop/service.rb ./order": "lib/shop/order.rb:lib/shop/order.rb",
	})
}
