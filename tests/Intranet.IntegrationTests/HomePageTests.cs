using Intranet.Host.Home;
using Intranet.IntegrationTests.Infrastructure;
using Intranet.Shared.Modules;
using Intranet.Shared.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Intranet.IntegrationTests;

/// <summary>The role home page's use case: every work-item source found by the scan, grouped; a failing source is skipped.</summary>
public sealed class HomePageTests
{
    /// <summary>A source for department users: two items, one of them behind.</summary>
    public sealed class FakeDepartmentSource : IWorkItemSource
    {
        public Task<IReadOnlyList<WorkItem>> GetAsync(ICurrentUser user, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<WorkItem>>(!user.IsInRole(Roles.Department) ? [] :
            [
                new WorkItem("未入力の実績値", 12, "/plans/hadano-ict-2021/entry?fy=2026", $"{user.Department}が主管する指標"),
                new WorkItem("目標に届いていない指標", 3, "/indicators?status=behind", Severity: WorkItemSeverity.Warning),
                new WorkItem("何もない項目", 0, "/nothing"),
            ]);
    }

    /// <summary>A source that always fails.</summary>
    public sealed class FailingSource : IWorkItemSource
    {
        public Task<IReadOnlyList<WorkItem>> GetAsync(ICurrentUser user, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the module's database is down");
    }

    [Fact]
    public void The_scan_registers_every_source_of_an_assembly_once_and_scoped()
    {
        var services = new ServiceCollection();
        services.AddWorkItemSources([typeof(HomePageTests).Assembly, typeof(HomePageTests).Assembly]);
        var registered = services.Where(d => d.ServiceType == typeof(IWorkItemSource)).ToList();
        Assert.Equal([typeof(FailingSource), typeof(FakeDepartmentSource)], registered.Select(d => d.ImplementationType).OrderBy(t => t!.Name));
        Assert.All(registered, d => Assert.Equal(ServiceLifetime.Scoped, d.Lifetime));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.PostgreSql)]
    public async Task A_department_user_sees_its_items_grouped_and_its_entry_page(Db db)
    {
        using var app = new IntranetApp(db, s => s.AddScoped<IWorkItemSource, FakeDepartmentSource>());
        _ = app.Server;
        // The host's own scan ran too: the module sources resolve beside the fake one.
        using (var scope = app.Services.CreateScope())
            Assert.Contains(scope.ServiceProvider.GetServices<IWorkItemSource>(), s => s is FakeDepartmentSource);

        var home = await app.SendAsAsync(new GetHomePage(), Roles.Department, "広報広聴課");
        var warning = home.Groups.Single(g => g.Severity == WorkItemSeverity.Warning);
        Assert.Equal("遅れ・要確認", warning.Title);
        Assert.Contains(warning.Items, i => i.Title == "目標に届いていない指標" && i.Count == 3);
        var info = home.Groups.Single(g => g.Severity == WorkItemSeverity.Info);
        var mine = Assert.Single(info.Items, i => i.Title == "未入力の実績値");
        Assert.Equal("広報広聴課が主管する指標", mine.Detail);
        Assert.DoesNotContain(home.Groups.SelectMany(g => g.Items), i => i.Count == 0);
        Assert.True(home.Groups.Select(g => (int)g.Severity).SequenceEqual(home.Groups.Select(g => (int)g.Severity).OrderDescending()));
        var entry = Assert.Single(home.Links);
        Assert.Equal("/plans/hadano-ict-2021/entry", entry.Href);
        Assert.Contains("広報広聴課", entry.Detail);

        var viewer = await app.SendAsAsync(new GetHomePage(), Roles.Viewer);
        Assert.DoesNotContain(viewer.Groups.SelectMany(g => g.Items), i => i.Title == "未入力の実績値");
        Assert.Empty(viewer.Links);
        var office = await app.SendAsAsync(new GetHomePage(), Roles.PlanOffice);
        Assert.Equal(["/plans/chigasaki-chiiki-2016/entry", "/plans/hadano-ict-2021/entry", "/plans/sagamihara-ict-2024/entry"],
            office.Links.Select(l => l.Href).Order());
    }

    [Fact]
    public async Task A_failing_source_is_reported_without_hiding_the_others()
    {
        using var app = new IntranetApp(Db.Sqlite, s =>
        {
            s.AddScoped<IWorkItemSource, FailingSource>();
            s.AddScoped<IWorkItemSource, FakeDepartmentSource>();
        });
        var home = await app.SendAsAsync(new GetHomePage(), Roles.Department, "広報広聴課");
        Assert.True(home.SomeSourcesFailed);
        Assert.Contains(home.Groups.SelectMany(g => g.Items), i => i.Title == "未入力の実績値");
    }
}
