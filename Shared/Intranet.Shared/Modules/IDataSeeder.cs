namespace Intranet.Shared.Modules;

/// <summary>
/// Loads reference data a module ships (e.g. the bundled plans) into a database that has just been
/// created. The host runs every registered seeder once, after migrations, only when the database had
/// no migrations applied before this start.
/// </summary>
public interface IInitialDataSeeder
{
    /// <summary>Loads the data; must be idempotent.</summary>
    Task SeedAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Loads a module's sample operating data for demonstrations. Run only by the <c>seed-demo</c>
/// command, never automatically. Seeders run in <see cref="Order"/>; the plan module goes first.
/// </summary>
public interface IDemoDataSeeder
{
    /// <summary>Lower runs first.</summary>
    int Order { get; }

    /// <summary>Loads the sample data and returns a one-line Japanese summary for the console.</summary>
    Task<string> SeedAsync(CancellationToken cancellationToken);
}
