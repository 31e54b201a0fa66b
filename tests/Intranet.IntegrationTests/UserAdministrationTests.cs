using System.Net;
using Intranet.IntegrationTests.Infrastructure;

namespace Intranet.IntegrationTests;

public sealed class UserAdministrationTests
{
    [Fact]
    public async Task Administrator_adds_a_department_user_who_must_change_the_password()
    {
        using var app = new IntranetApp(Db.Sqlite);
        var admin = await app.SignedInAsync("Administrator");
        var planOffice = await app.SignedInAsync("PlanOffice");
        Assert.StartsWith("/account/access-denied", (await planOffice.GetAsync("/admin/users")).LocationPath());

        var missingDepartment = await admin.PostFormAsync("/admin/users", "create-user", new Dictionary<string, string>
        {
            ["Input.Email"] = "koho@example.jp", ["Input.Role"] = "Department", ["Input.Password"] = "first-password-2026",
        });
        Assert.Equal(HttpStatusCode.OK, missingDepartment.StatusCode);
        Assert.Contains("所属課", await missingDepartment.Content.ReadAsStringAsync());

        var created = await admin.PostFormAsync("/admin/users", "create-user", new Dictionary<string, string>
        {
            ["Input.Email"] = "koho@example.jp", ["Input.DisplayName"] = "広報 花子", ["Input.Role"] = "Department",
            ["Input.Department"] = "広報広聴課", ["Input.Password"] = "first-password-2026",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var list = await admin.GetStringAsync(created.LocationPath());
        Assert.Contains("koho@example.jp を作成しました", list);
        Assert.Contains("広報 花子", list);

        var duplicate = await admin.PostFormAsync("/admin/users", "create-user", new Dictionary<string, string>
        {
            ["Input.Email"] = "koho@example.jp", ["Input.Role"] = "Viewer", ["Input.Password"] = "first-password-2026",
        });
        Assert.Contains("既に登録されています", await duplicate.Content.ReadAsStringAsync());

        var user = app.NewClient();
        Assert.Equal("/account/change-password", (await user.LoginAsync("koho@example.jp", "first-password-2026")).LocationPath());
    }
}
