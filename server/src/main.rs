//! `frontdoor`: the customer care portal's one binary.

use std::process::ExitCode;

use clap::Parser;
use server::cli::{Cli, Command, LogFormat};
use server::commands;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    let result = match cli.command {
        None => commands::serve(&cli.database_url, cli.serve).await,
        Some(Command::Serve(args)) => commands::serve(&cli.database_url, args).await,
        Some(Command::Migrate) => commands::migrate(&cli.database_url).await,
        Some(Command::SeedDemo(args)) => commands::seed_demo(&cli.database_url, &args).await,
        Some(Command::CreateAdmin(args)) => commands::create_admin(&cli.database_url, &args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;

    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
